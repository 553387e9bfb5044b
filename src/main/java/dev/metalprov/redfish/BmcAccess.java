package dev.metalprov.redfish;

import java.net.URI;

/**
 * Where and how to reach one BMC. The password is held only here and in the request header it
 * becomes; {@link #toString()} never shows it.
 */
public record BmcAccess(URI endpoint, String username, String password, boolean insecureSkipVerify,
        String caCertificates) {

    public BmcAccess(URI endpoint, String username, String password, boolean insecureSkipVerify) {
        this(endpoint, username, password, insecureSkipVerify, null);
    }

    @Override
    public String toString() {
        return "BmcAccess[" + endpoint + ", user " + username + "]";
    }
}
