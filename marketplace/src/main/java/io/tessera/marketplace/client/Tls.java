package io.tessera.marketplace.client;

import io.tessera.marketplace.tls.TrustContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * The TLS trust of the CLI, as kubectl offers it: the JDK's trusted authorities by default, a PEM
 * file of certificates ({@code --certificate-authority}, e.g. a development server's
 * {@code <data-dir>/tls/serving.crt}), or no verification at all ({@code --insecure-skip-tls-verify}).
 */
final class Tls {

    private Tls() {
    }

    /** Null means the JDK's default trust. */
    static SSLContext context(String certificateAuthority, boolean insecureSkipTlsVerify) throws IOException {
        if (insecureSkipTlsVerify) {
            return TrustContexts.trustingEverything();
        }
        if (certificateAuthority == null) {
            return null;
        }
        Path file = Path.of(certificateAuthority);
        if (!Files.isReadable(file)) {
            throw new IOException("certificate authority file " + file + " cannot be read");
        }
        return TrustContexts.trusting(Files.readAllBytes(file), file.toString());
    }
}
