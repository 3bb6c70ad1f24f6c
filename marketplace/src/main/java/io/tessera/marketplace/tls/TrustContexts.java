package io.tessera.marketplace.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS client trust as the marketplace's users set it: the certificates of a PEM bundle (a CLI's
 * {@code --certificate-authority}, a Repository's {@code spec.caBundle}), or no verification at all
 * ({@code --insecure-skip-tls-verify}, {@code spec.insecure}).
 */
public final class TrustContexts {

    private TrustContexts() {
    }

    /** Trusts exactly the certificates in {@code pem}; {@code what} names the bundle in errors. */
    public static SSLContext trusting(byte[] pem, String what) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException(what + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return context(factory.getTrustManagers());
        } catch (CertificateException e) {
            throw new IOException(what + " holds no PEM certificate: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IOException(what + " is not usable: " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate for any host name. */
    public static SSLContext trustingEverything() throws IOException {
        try {
            return context(new TrustManager[] {new TrustEverything()});
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(TrustManager[] managers) throws GeneralSecurityException {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, managers, null);
        return ssl;
    }

    /** An extended trust manager, because the JDK wraps a plain one in a wrapper that still checks the host name. */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
