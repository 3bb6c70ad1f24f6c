package io.tessera.kernel.iam.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.iam.api.IamTypes;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The token signing keys, kept in Secrets of {@code kubesphere-system} so every replica signs and
 * verifies with the same keys: an HS256 secret for access/refresh tokens and an RS256 key for ID
 * tokens. Generated once, by whichever replica comes first; a replica that loses the creation
 * race (409) reads the winner's key.
 *
 * <p>The HS256 secret signs every access token, so it is loaded at start. The RS256 key is read
 * (or, on a new cluster, generated: about a quarter of a second of CPU in a cold JVM) on its first
 * use, because only OpenID Connect logins and {@code /oauth/keys} need it and the kernel's boot
 * is CPU-bound.
 */
public final class SigningKeys {

    public static final String JWT_SECRET_NAME = "tessera-iam-jwt-secret";
    public static final String SIGN_KEY_NAME = "tessera-iam-sign-key";
    static final String JWT_SECRET_KEY = "jwtSecret";
    static final String SIGN_KEY_KEY = "signKey.pem";

    private final byte[] hmacSecret;
    private final Supplier<RSAKey> loadRsaKey;
    private volatile RSAKey rsaKey;

    private SigningKeys(byte[] hmacSecret, Supplier<RSAKey> loadRsaKey) {
        this.hmacSecret = hmacSecret;
        this.loadRsaKey = loadRsaKey;
    }

    /** Loads the HS256 secret (creating it on a new cluster); the RS256 key follows on first use. */
    public static SigningKeys loadOrCreate(KubernetesClient client) {
        byte[] hmac = Base64.getDecoder().decode(secretValue(client, JWT_SECRET_NAME, JWT_SECRET_KEY, SigningKeys::newHmacSecret));
        return new SigningKeys(hmac, () -> rsaFromPem(new String(
                Base64.getDecoder().decode(secretValue(client, SIGN_KEY_NAME, SIGN_KEY_KEY, SigningKeys::newRsaPem)),
                StandardCharsets.UTF_8)));
    }

    /** Fresh keys held in memory only, for benchmarks and unit tests; the kernel uses {@link #loadOrCreate}. */
    public static SigningKeys ephemeral() {
        return new SigningKeys(newHmacSecret(), () -> rsaFromPem(new String(newRsaPem(), StandardCharsets.US_ASCII)));
    }

    public byte[] hmacSecret() {
        return hmacSecret.clone();
    }

    /**
     * The private RS256 key for ID tokens; its {@code kid} is KubeSphere's FNV-32a of the PEM.
     * Read from its Secret (created if absent) on the first call; a failure is thrown to that
     * caller and the next call tries again.
     *
     * @throws KubernetesClientException when the Secret cannot be read or created
     */
    public RSAKey rsaKey() {
        RSAKey key = rsaKey;
        if (key == null) {
            synchronized (this) {
                key = rsaKey;
                if (key == null) {
                    key = loadRsaKey.get();
                    rsaKey = key;
                }
            }
        }
        return key;
    }

    /** @return base64 of the value, created when the Secret is absent */
    private static String secretValue(KubernetesClient client, String name, String key, Supplier<byte[]> generator) {
        var op = client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).withName(name);
        Secret existing = op.get();
        if (existing == null) {
            Secret created = new SecretBuilder().withNewMetadata().withName(name).withNamespace(IamTypes.SYSTEM_NAMESPACE)
                    .withLabels(Map.of("app.kubernetes.io/managed-by", "tessera", "app.kubernetes.io/component", "iam"))
                    .endMetadata().withType("Opaque")
                    .withData(Map.of(key, Base64.getEncoder().encodeToString(generator.get()))).build();
            try {
                existing = client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(created).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                existing = op.get();
            }
        }
        String value = existing.getData() == null ? null : existing.getData().get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("Secret " + IamTypes.SYSTEM_NAMESPACE + "/" + name + " has no key " + key);
        }
        return value;
    }

    private static byte[] newHmacSecret() {
        byte[] b = new byte[32]; // 256 bits, as HS256 requires
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static byte[] newRsaPem() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPrivate().getEncoded());
            return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rsaFromPem(String pem) {
        try {
            String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyFactory kf = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey priv = (RSAPrivateCrtKey) kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
            RSAPublicKey pub = (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
            return new RSAKey.Builder(pub).privateKey(priv).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(Long.toString(fnv32a(pem.getBytes(StandardCharsets.UTF_8)))).build();
        } catch (java.security.GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("the ID-token sign key is not a PKCS#8 RSA private key", e);
        }
    }

    static long fnv32a(byte[] data) {
        int hash = 0x811c9dc5;
        for (byte b : data) {
            hash ^= (b & 0xff);
            hash *= 0x01000193;
        }
        return Integer.toUnsignedLong(hash);
    }
}
