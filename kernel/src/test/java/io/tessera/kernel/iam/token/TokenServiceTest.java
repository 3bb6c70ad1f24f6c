package io.tessera.kernel.iam.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.tessera.kernel.iam.IamTestCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    static IamTestCluster env;
    static SigningKeys keys;

    @BeforeAll
    static void start() throws Exception {
        env = new IamTestCluster();
        keys = SigningKeys.loadOrCreate(env.client);
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    static TokenService at(Instant now) {
        return new TokenService(keys, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void keysAreSharedThroughSecrets() {
        SigningKeys again = SigningKeys.loadOrCreate(env.client);
        assertThat(again.hmacSecret()).isEqualTo(keys.hmacSecret());
        assertThat(again.rsaKey().getKeyID()).isEqualTo(keys.rsaKey().getKeyID());
        assertThat(Long.parseLong(keys.rsaKey().getKeyID())).isPositive();
    }

    @Test
    void issuedTokenVerifiesWithClaims() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String jwt = at(now).issue("http://x", "bob", TokenClaims.ACCESS, Duration.ofHours(2), Map.of("uninitialized", List.of("true")),
                Instant.EPOCH);
        TokenClaims c = at(now.plusSeconds(60)).verify(jwt);
        assertThat(c.username()).isEqualTo("bob");
        assertThat(c.tokenType()).isEqualTo("access_token");
        assertThat(c.expiresAt()).isEqualTo(now.plus(Duration.ofHours(2)));
        assertThat(c.extra()).containsEntry("uninitialized", List.of("true"));
        assertThat(c.id()).isNotEmpty();
    }

    @Test
    void expiredFutureAndTamperedTokensAreRejected() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        String jwt = at(now).issue("http://x", "bob", TokenClaims.ACCESS, Duration.ofMinutes(10), Map.of(), Instant.EPOCH);
        assertThatThrownBy(() -> at(now.plus(Duration.ofMinutes(10))).verify(jwt)).hasMessageContaining("expired");
        assertThatThrownBy(() -> at(now.minusSeconds(11)).verify(jwt)).hasMessageContaining("before issued");
        String[] parts = jwt.split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"username\":\"admin\",\"iat\":1767225600}".getBytes()) + "." + parts[2];
        assertThatThrownBy(() -> at(now).verify(forged)).hasMessageContaining("signature");
        assertThatThrownBy(() -> at(now).verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aRememberedAccessTokenStillExpiresOnTime() throws Exception {
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        MovingClock clock = new MovingClock(issued);
        TokenService tokens = new TokenService(keys, clock);
        String jwt = tokens.issue("http://x", "bob", TokenClaims.ACCESS, Duration.ofMinutes(10), Map.of(), Instant.EPOCH);
        TokenClaims first = tokens.verify(jwt);
        clock.now = issued.plus(Duration.ofMinutes(9));
        assertThat(tokens.verify(jwt)).isEqualTo(first);
        clock.now = issued.plus(Duration.ofMinutes(10));
        assertThatThrownBy(() -> tokens.verify(jwt)).hasMessageContaining("expired");
        assertThatThrownBy(() -> tokens.verify(jwt)).hasMessageContaining("expired");
    }

    @Test
    void manyTokensStayVerifiableBeyondTheRememberedBound() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TokenService tokens = at(now);
        String first = tokens.issue("http://x", "u0", TokenClaims.ACCESS, Duration.ofHours(1), Map.of(), Instant.EPOCH);
        tokens.verify(first);
        for (int i = 1; i <= TokenService.MAX_REMEMBERED; i++) {
            tokens.verify(tokens.issue("http://x", "u" + i, TokenClaims.ACCESS, Duration.ofHours(1), Map.of(), Instant.EPOCH));
        }
        assertThat(tokens.verify(first).username()).isEqualTo("u0");
        String[] parts = first.split("\\.");
        assertThatThrownBy(() -> tokens.verify(parts[0] + "." + parts[1] + "." + parts[2].substring(1)))
                .hasMessageContaining("signature");
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void iatIsNeverBeforeTheUsersRevocationMark() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00.400Z");
        Instant mark = Instant.ofEpochSecond(now.getEpochSecond() + 1);
        String jwt = at(now).issue("http://x", "bob", TokenClaims.ACCESS, Duration.ofHours(1), Map.of(), mark);
        assertThat(at(now).verify(jwt).issuedAt()).isEqualTo(mark);
    }

    @Test
    void idTokenIsRs256WithKid() throws Exception {
        String jwt = at(Instant.now()).issueIdToken("http://x", "bob", "kubesphere", "n1", Map.of("email", "b@x.io"), Duration.ofMinutes(5));
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(keys.rsaKey().getKeyID());
        assertThat(parsed.verify(new RSASSAVerifier(keys.rsaKey().toRSAPublicKey()))).isTrue();
        assertThat(parsed.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n1");
    }
}
