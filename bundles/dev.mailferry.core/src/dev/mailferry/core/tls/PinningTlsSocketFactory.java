package dev.mailferry.core.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS sockets of one connection (IMAP, HTTPS). A certificate is accepted when its SHA-256 fingerprint equals the one the user
 * explicitly trusted, or else when the JDK trust store vouches for it and it names the host. Either way the presented
 * fingerprint and the negotiated session are kept, for {@code UNTRUSTED_CERTIFICATE} errors and "test connection".
 */
public final class PinningTlsSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;
    private final X509ExtendedTrustManager trustManager;
    private final String trustedFingerprint;
    private volatile String presentedFingerprint;
    private volatile X509Certificate presentedCertificate;
    private volatile boolean rejected;
    private volatile SSLSocket lastSocket;

    /**
     * @param trustedFingerprint the SHA-256 fingerprint of a certificate the user explicitly trusts (any form
     *                           {@link Fingerprints#normalize} accepts), or null to trust only what the JDK trusts
     */
    public PinningTlsSocketFactory(String trustedFingerprint) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509ExtendedTrustManager jdkTrust = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                jdkTrust = extended;
            }
        }
        if (jdkTrust == null) {
            throw new GeneralSecurityException("The JDK offers no X509 trust manager");
        }
        this.trustedFingerprint = trustedFingerprint == null ? null : Fingerprints.normalize(trustedFingerprint);
        this.trustManager = new PinningTrustManager(jdkTrust, this.trustedFingerprint);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] { trustManager }, null);
        this.delegate = context.getSocketFactory();
    }

    /** The trust manager these sockets use, for HTTP clients that want it beside the factory (OkHttp). */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /**
     * Whether {@code session}'s server certificate is the one the user explicitly trusted: such a certificate is
     * accepted for whatever host it names (an HTTP client's host name check must then let it pass).
     */
    public boolean isPinned(SSLSession session) {
        try {
            return trustedFingerprint != null && session.getPeerCertificates().length > 0
                    && session.getPeerCertificates()[0] instanceof X509Certificate certificate
                    && trustedFingerprint.equals(Fingerprints.normalize(Fingerprints.sha256(certificate)));
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /** The fingerprint of the certificate the server presented last, or null before any handshake. */
    public String presentedFingerprint() {
        return presentedFingerprint;
    }

    /**
     * The certificate the server presented last (for people to judge before they trust it: subject, issuer,
     * validity), or null before any handshake.
     */
    public X509Certificate presentedCertificate() {
        return presentedCertificate;
    }

    /** True when the last handshake failed because the certificate was not trusted. */
    public boolean certificateRejected() {
        return rejected;
    }

    /** E.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384, certificate SHA-256 AB:CD:...}; null before a handshake. */
    public String describeSession() {
        SSLSocket socket = lastSocket;
        if (socket == null) {
            return null;
        }
        SSLSession session = socket.getSession();
        return session.getProtocol() + " " + session.getCipherSuite() + ", certificate SHA-256 " + presentedFingerprint;
    }

    private Socket configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true); // see NoDelaySocketFactory
        if (socket instanceof SSLSocket ssl) {
            // Host name verification by the JDK; skipped by PinningTrustManager for a pinned certificate.
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
            lastSocket = ssl;
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

    private final class PinningTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager jdkTrust;
        private final String trustedFingerprint;

        PinningTrustManager(X509ExtendedTrustManager jdkTrust, String trustedFingerprint) {
            this.jdkTrust = jdkTrust;
            this.trustedFingerprint = trustedFingerprint;
        }

        /** The JDK's own verification, in whichever of its three forms the TLS stack called. */
        private interface JdkVerification {
            void run() throws CertificateException;
        }

        /**
         * A certificate the user pinned is trusted as it is; any other goes through the JDK's verification, and a
         * refusal is remembered so the connector can report the fingerprint the user may choose to trust.
         */
        private void verify(X509Certificate[] chain, JdkVerification jdkVerification) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("The server presented no certificate");
            }
            presentedCertificate = chain[0];
            presentedFingerprint = Fingerprints.sha256(chain[0]);
            rejected = false;
            if (trustedFingerprint != null && trustedFingerprint.equals(Fingerprints.normalize(presentedFingerprint))) {
                return;
            }
            try {
                jdkVerification.run();
            } catch (CertificateException e) {
                rejected = true;
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            verify(chain, () -> jdkTrust.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            verify(chain, () -> jdkTrust.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            verify(chain, () -> jdkTrust.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("Not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("Not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("Not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return jdkTrust.getAcceptedIssuers();
        }
    }
}
