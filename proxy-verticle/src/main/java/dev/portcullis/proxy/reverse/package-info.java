/**
 * The reverse listeners (README, "Reverse proxy"): clients of a team's own services arrive here, named by their
 * ClientHello's SNI. A service either terminates TLS with its own certificate ({@link ServiceCertificate}) and
 * passes each request through the same exchange, request gate and answers as a decrypted forward connection
 * ({@link ReverseRoute}), or splices by SNI to a backend untouched. Backends are picked among the healthy ones
 * ({@link BackendPool}, {@link HealthProbe}) and reached by the one resolve → guard → dial stage of every listener.
 */
package dev.portcullis.proxy.reverse;
