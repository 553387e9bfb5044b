package dev.metalprov.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class AddressesTest {

    @Test
    void oneSpellingPerAddress() {
        assertEquals(Optional.of("127.0.0.23"), Addresses.canonical("127.0.0.23"));
        assertEquals(Optional.of("127.0.0.23"), Addresses.canonical("::ffff:127.0.0.23"), "IPv4 seen on a dual-stack socket");
        assertEquals(Optional.of("10.0.0.5"), Addresses.canonical(" 10.0.0.5/24 "), "a prefix length is dropped");
        assertEquals(Addresses.canonical("2001:db8:0:0:0:0:0:1"), Addresses.canonical("2001:DB8::1"));
        assertEquals(Addresses.canonical("::1"), Addresses.canonical("[0:0:0:0:0:0:0:1]"));
    }

    @Test
    void namesAreNeverLookedUp() {
        assertEquals(Optional.empty(), Addresses.canonical("localhost"));
        assertEquals(Optional.empty(), Addresses.canonical("metadata.example"));
        assertEquals(Optional.empty(), Addresses.canonical(""));
        assertEquals(Optional.empty(), Addresses.canonical(null));
    }
}
