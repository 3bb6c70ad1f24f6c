package io.tessera.kernel.iam.idp;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * KubeSphere's CAS provider (reference §1.8): the browser comes back to
 * {@code /oauth/callback/<idp>?ticket=ST-…}; the ticket is validated with CAS 2.0
 * {@code GET <casServerURL>/serviceValidate?service=<redirectURL>&ticket=<ticket>}. uid = username
 * = {@code cas:user}; CAS gives no e-mail.
 */
final class CasProvider implements IdentityProviders.CallbackProvider {

    static final String CAS_NS = "http://www.yale.edu/tp/cas";

    private final String casServerUrl;
    private final String redirectUrl;
    private final HttpClient http;

    CasProvider(Map<String, Object> options) throws IdentityProviders.ProviderException {
        this.casServerUrl = String.valueOf(options.getOrDefault("casServerURL", "")).replaceAll("/+$", "");
        this.redirectUrl = String.valueOf(options.getOrDefault("redirectURL", ""));
        if (casServerUrl.isEmpty() || redirectUrl.isEmpty()) {
            throw new IdentityProviders.ProviderException("CAS provider needs casServerURL and redirectURL");
        }
        if (Boolean.parseBoolean(String.valueOf(options.getOrDefault("insecureSkipVerify", "false")))) {
            // deliberately unsupported: silently trusting any certificate is not offered
            throw new IdentityProviders.ProviderException("insecureSkipVerify is not supported; add the CA to the trust store");
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public Optional<IdentityProviders.Identity> identity(Map<String, String> params) throws IdentityProviders.ProviderException {
        String ticket = params.getOrDefault("ticket", "");
        if (ticket.isEmpty()) {
            return Optional.empty();
        }
        URI uri = URI.create(casServerUrl + "/serviceValidate?service=" + URLEncoder.encode(redirectUrl, StandardCharsets.UTF_8)
                + "&ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
        HttpResponse<byte[]> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new IdentityProviders.ProviderException("CAS server unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityProviders.ProviderException("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new IdentityProviders.ProviderException("CAS serviceValidate answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The {@code cas:user} of an {@code authenticationSuccess}; empty on {@code authenticationFailure}. */
    static Optional<IdentityProviders.Identity> parse(byte[] xml) throws IdentityProviders.ProviderException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            // the response comes over the network: no DTDs, no external entities
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            Document doc = b.parse(new ByteArrayInputStream(xml));
            NodeList success = doc.getElementsByTagNameNS(CAS_NS, "authenticationSuccess");
            if (success.getLength() != 1) {
                return Optional.empty();
            }
            NodeList user = doc.getElementsByTagNameNS(CAS_NS, "user");
            if (user.getLength() != 1 || user.item(0).getTextContent().isBlank()) {
                return Optional.empty();
            }
            String name = user.item(0).getTextContent().trim();
            return Optional.of(new IdentityProviders.Identity(name, name, ""));
        } catch (Exception e) {
            throw new IdentityProviders.ProviderException("CAS response is not valid XML");
        }
    }
}
