package dev.metalprov.metadata;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import io.netty.util.NetUtil;

/**
 * One spelling per IP address, so that the address a request comes from and the addresses a
 * server's status lists compare equal however they were written ({@code ::1} and
 * {@code 0:0:0:0:0:0:0:1}, or an IPv4 caller seen as {@code ::ffff:10.0.0.5} on a dual-stack
 * socket).
 */
final class Addresses {

    private Addresses() {
    }

    /**
     * The canonical form of an IP literal, without a prefix length; empty for anything else.
     * Only literals are parsed: a host name is never looked up, so a status entry cannot make
     * the operator ask DNS.
     */
    static Optional<String> canonical(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.strip();
        int prefix = literal.indexOf('/');
        if (prefix >= 0) {
            literal = literal.substring(0, prefix);
        }
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            // IPv4-mapped IPv6 bytes come back as the IPv4 address.
            return Optional.of(InetAddress.getByAddress(bytes).getHostAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
