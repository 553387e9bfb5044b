package dev.metalprov.boot;

import java.util.regex.Pattern;

/**
 * An OCI image reference, {@code [registry/]repository[:tag][@digest]}, spelled out the way
 * container tooling reads it: a first path component with a dot, a colon or {@code localhost}
 * names the registry; without one the image is on Docker Hub, where a single name lives under
 * {@code library/}; without a tag or digest it is {@code :latest}.
 */
public record ImageReference(String registry, String repository, String reference) {

    static final String DOCKER_HUB = "docker.io";
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");

    public static ImageReference parse(String image) throws ImageException {
        if (image == null || image.isBlank()) {
            throw new ImageException(ImageException.Reason.INVALID_REFERENCE, "spec.image is empty");
        }
        String rest = image.trim();
        String reference = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            reference = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(reference).matches()) {
                throw invalid(image, "'" + reference + "' is not a digest such as sha256:<hex>");
            }
        }
        int slash = rest.indexOf('/');
        String registry = DOCKER_HUB;
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            String tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(image, "'" + tag + "' is not a valid tag");
            }
            if (reference == null) {
                reference = tag;
            }
        }
        if (reference == null) {
            reference = "latest";
        }
        if (!REPOSITORY.matcher(rest).matches()) {
            throw invalid(image, "'" + rest + "' is not a valid repository name (lower case, digits and separators)");
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new ImageReference(registry, rest, reference);
    }

    public boolean pinned() {
        return reference.contains(":");
    }

    private static ImageException invalid(String image, String why) {
        return new ImageException(ImageException.Reason.INVALID_REFERENCE, "spec.image '" + image + "' is not an OCI image reference: " + why);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (pinned() ? "@" : ":") + reference;
    }
}
