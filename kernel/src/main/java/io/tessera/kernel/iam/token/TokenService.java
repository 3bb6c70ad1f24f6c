package io.tessera.kernel.iam.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies KubeSphere-shaped JWTs (reference §1.2): HS256 access and refresh tokens,
 * RS256 ID tokens. Verification checks signature, type, expiry and clock skew only; whether the
 * token was revoked is {@link RevocationList}'s and the authenticator's business.
 *
 * <p>Access tokens are sent with every request, so their verified claims are remembered by the
 * token's text ({@link #verified}): a token seen again skips the parse and the HMAC, never the
 * expiry check. That is safe because nothing else about a given string can change while this
 * service's key stays the same; revocation, password changes and disabled users are checked by
 * the authenticator on every request, after this, so they take effect at once.
 */
public final class TokenService {

    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(10);

    private final SigningKeys keys;
    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;
    /**
     * Verified access and static tokens by their text. Bounded: when full it is emptied (the next
     * requests verify again), so memory stays small whatever callers send; only tokens that verified
     * are ever added, so invalid ones cannot fill it.
     */
    private final Map<String, TokenClaims> verified = new ConcurrentHashMap<>();
    static final int MAX_REMEMBERED = 4096;

    public TokenService(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        try {
            this.signer = new MACSigner(keys.hmacSecret());
            this.verifier = new MACVerifier(keys.hmacSecret());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public SigningKeys keys() {
        return keys;
    }

    /**
     * @param notBefore the user's revocation mark: the token's {@code iat} is never earlier, so a
     *     token issued right after a password change in the same second stays valid
     * @param lifetime zero or negative: no {@code exp}
     */
    public String issue(String issuer, String username, String tokenType, Duration lifetime, Map<String, List<String>> extra,
                        Instant notBefore) {
        Instant now = clock.instant();
        Instant iat = now.getEpochSecond() < notBefore.getEpochSecond() ? notBefore : now;
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(username)
                .issueTime(Date.from(iat))
                .jwtID(UUID.randomUUID().toString().replace("-", ""))
                .claim("token_type", tokenType)
                .claim("username", username);
        if (lifetime != null && !lifetime.isZero() && !lifetime.isNegative()) {
            claims.expirationTime(Date.from(now.plus(lifetime)));
        }
        if (extra != null && !extra.isEmpty()) {
            claims.claim("extra", new LinkedHashMap<>(extra));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An RS256 ID token for a relying party (authorization-code flow and IdP callbacks). */
    public String issueIdToken(String issuer, String username, String audience, String nonce, Map<String, Object> profile,
                               Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(username).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .claim("token_type", TokenClaims.ID_TOKEN);
        if (nonce != null && !nonce.isEmpty()) {
            claims.claim("nonce", nonce);
        }
        profile.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.rsaKey().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(keys.rsaKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An authorization code: a 10-minute HS256 JWT naming the client, scopes and nonce. */
    public String issueCode(String issuer, String username, String clientId, List<String> scopes, String nonce, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(username).audience(clientId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString().replace("-", ""))
                .claim("token_type", TokenClaims.CODE).claim("username", username).claim("scopes", scopes);
        if (nonce != null && !nonce.isEmpty()) {
            claims.claim("nonce", nonce);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** What an authorization code carries. */
    public record Code(TokenClaims claims, String clientId, List<String> scopes, String nonce) {
    }

    public Code verifyCode(String token) throws InvalidTokenException {
        TokenClaims claims = verify(token);
        if (!TokenClaims.CODE.equals(claims.tokenType())) {
            throw new InvalidTokenException("not an authorization code");
        }
        try {
            JWTClaimsSet c = SignedJWT.parse(token).getJWTClaimsSet();
            List<String> aud = c.getAudience();
            List<String> scopes = c.getStringListClaim("scopes");
            return new Code(claims, aud == null || aud.isEmpty() ? "" : aud.get(0), scopes == null ? List.of() : scopes,
                    c.getStringClaim("nonce"));
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed authorization code");
        }
    }

    public TokenClaims verify(String token) throws InvalidTokenException {
        TokenClaims known = verified.get(token);
        if (known != null) {
            if (known.expiresAt() != null && !clock.instant().isBefore(known.expiresAt())) {
                verified.remove(token);
                throw new InvalidTokenException("token expired");
            }
            return known;
        }
        TokenClaims claims = parseAndCheck(token);
        if (TokenClaims.ACCESS.equals(claims.tokenType()) || TokenClaims.STATIC.equals(claims.tokenType())) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(token, claims);
        }
        return claims;
    }

    private TokenClaims parseAndCheck(String token) throws InvalidTokenException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("unexpected signing algorithm");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("invalid token signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("invalid token signature");
        }
        try {
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            Date exp = c.getExpirationTime();
            if (exp != null && !now.isBefore(exp.toInstant())) {
                throw new InvalidTokenException("token expired");
            }
            Date iat = c.getIssueTime();
            if (iat == null || iat.toInstant().isAfter(now.plus(MAX_CLOCK_SKEW))) {
                throw new InvalidTokenException("token used before issued");
            }
            String username = c.getStringClaim("username");
            if (username == null || username.isEmpty()) {
                username = c.getSubject();
            }
            if (username == null || username.isEmpty()) {
                throw new InvalidTokenException("token without subject");
            }
            String type = c.getStringClaim("token_type");
            return new TokenClaims(username, type == null ? "" : type, c.getJWTID() == null ? "" : c.getJWTID(), iat.toInstant(),
                    exp == null ? null : exp.toInstant(), extra(c.getJSONObjectClaim("extra")));
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token claims");
        }
    }

    private static Map<String, List<String>> extra(Map<String, Object> raw) {
        if (raw == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v instanceof List<?> l) {
                out.put(k, l.stream().map(String::valueOf).toList());
            } else if (v != null) {
                out.put(k, List.of(String.valueOf(v)));
            }
        });
        return out;
    }
}
