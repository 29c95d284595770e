/**
 * The MX cutover checker: tells, per mail domain, whether its MX records point to Exchange Online everywhere (each
 * authoritative name server asked directly, each recursive resolver) and from when it is safe to run the final sync.
 * {@link dev.mailferry.mx.MxChecker} does the network I/O (through dnsjava); the rest are value types.
 */
package dev.mailferry.mx;
