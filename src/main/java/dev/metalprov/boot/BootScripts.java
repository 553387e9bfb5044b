package dev.metalprov.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.metalprov.boot.BootImage.Part;

/**
 * What a machine is told to boot. The iPXE script loads kernel and initramfs from the boot
 * server and hands the kernel the Ignition URL with the configuration's token; the UEFI HTTP
 * boot answer names the UKI and the same Ignition URL. Both carry the token, so both are only
 * handed out to the machine while it boots (see {@link BootServer}).
 */
final class BootScripts {

    /** Where the parts of one machine's boot are served. */
    record Links(String base, String uuid, String token) {

        String layer(Part part) {
            return base + "/images/" + uuid + "/" + part.path();
        }

        String ignition() {
            return base + "/ignition/" + uuid + "?token=" + token;
        }
    }

    private BootScripts() {
    }

    /** Empty when the image has no kernel and initramfs to load. */
    static Optional<String> ipxe(BootImage image, Links links, boolean withIgnition, String kernelArguments, String rootfsArgument) {
        if (!image.bootsOverIpxe()) {
            return Optional.empty();
        }
        StringBuilder script = new StringBuilder("#!ipxe\n");
        script.append("kernel ").append(links.layer(Part.KERNEL)).append(" initrd=initramfs");
        for (String argument : kernelCommandLine(image, links, withIgnition, kernelArguments, rootfsArgument)) {
            script.append(' ').append(argument);
        }
        script.append('\n');
        script.append("initrd --name initramfs ").append(links.layer(Part.INITRAMFS)).append('\n');
        script.append("boot\n");
        return Optional.of(script.toString());
    }

    /** The UEFI HTTP boot answer: the UKI to load and the Ignition its system fetches. */
    static Optional<Map<String, String>> httpBoot(BootImage image, Links links, boolean withIgnition) {
        if (!image.bootsOverHttp()) {
            return Optional.empty();
        }
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("ukiURL", links.layer(Part.UKI));
        if (withIgnition) {
            answer.put("ignitionURL", links.ignition());
        }
        return Optional.of(answer);
    }

    private static List<String> kernelCommandLine(BootImage image, Links links, boolean withIgnition, String kernelArguments,
            String rootfsArgument) {
        List<String> arguments = new ArrayList<>();
        addAll(arguments, image.commandLine());
        addAll(arguments, kernelArguments);
        if (image.rootfs() != null && !rootfsArgument.isBlank()) {
            arguments.add(rootfsArgument + "=" + links.layer(Part.ROOTFS));
        }
        if (withIgnition) {
            arguments.add("ignition.firstboot=1");
            arguments.add("ignition.platform.id=metal");
            arguments.add("ignition.config.url=" + links.ignition());
        }
        return arguments;
    }

    private static void addAll(List<String> arguments, String line) {
        if (line == null) {
            return;
        }
        for (String argument : line.trim().split("\\s+")) {
            if (!argument.isEmpty()) {
                arguments.add(argument);
            }
        }
    }
}
