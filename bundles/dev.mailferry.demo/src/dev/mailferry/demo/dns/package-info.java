/**
 * Throwaway DNS servers from the Debian packages {@code nsd} (authoritative) and {@code unbound} (recursive, caching),
 * each with a private configuration under one directory, on loopback addresses (127.0.0.0/8) and an unprivileged port,
 * for the MX cutover checker's tests.
 */
package dev.mailferry.demo.dns;
