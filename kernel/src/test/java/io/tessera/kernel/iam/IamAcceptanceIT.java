package io.tessera.kernel.iam;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance flow against the real kernel on the embedded cluster: admin login, the
 * users list with and without a token, a platform-regular user who reads only herself, lockout
 * after five wrong passwords, and revocation by logout, password change and suspension.
 */
class IamAcceptanceIT {

    @TempDir
    static Path dataDir;
    static Kernel kernel;
    static IamHttp http;
    static String admin;

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/readyz", null).statusCode() == 200);
        admin = http.bearer("admin", "P@88w0rd");
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void adminTokenIsAJwtNamingAdminAndMarkedUninitialized() throws Exception {
        HttpResponse<String> r = http.passwordGrant("admin", "P@88w0rd");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = tree(r);
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(7200);
        JsonNode payload = IamHttp.jwtPayload(body.path("access_token").asText());
        assertThat(payload.path("username").asText()).isEqualTo("admin");
        assertThat(payload.path("sub").asText()).isEqualTo("admin");
        assertThat(payload.path("token_type").asText()).isEqualTo("access_token");
        assertThat(payload.path("extra").path("uninitialized").get(0).asText()).isEqualTo("true");
        assertThat(payload.path("exp").asLong() - payload.path("iat").asLong()).isEqualTo(7200);
        assertThat(IamHttp.jwtPayload(body.path("refresh_token").asText()).path("token_type").asText()).isEqualTo("refresh_token");
    }

    @Test
    void usersListNeedsCredentials() throws Exception {
        HttpResponse<String> withToken = http.get("/kapis/iam.kubesphere.io/v1beta1/users", admin);
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
        JsonNode list = tree(withToken);
        List<String> names = new ArrayList<>();
        list.path("items").forEach(u -> names.add(u.path("metadata").path("name").asText()));
        assertThat(names).contains("admin");
        assertThat(list.path("totalItems").asInt()).isEqualTo(names.size());
        assertThat(withToken.body()).doesNotContain("\"password\"");

        HttpResponse<String> without = http.get("/kapis/iam.kubesphere.io/v1beta1/users", null);
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(tree(without).path("kind").asText()).isEqualTo("Status");
        assertThat(without.headers().firstValue("WWW-Authenticate")).isPresent();

        HttpResponse<String> basic = http.get("/kapis/iam.kubesphere.io/v1beta1/users", IamHttp.basic("admin", "P@88w0rd"));
        assertThat(basic.statusCode()).isEqualTo(200);
    }

    @Test
    void platformRegularReadsOnlyHerself() throws Exception {
        HttpResponse<String> created = http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("alice", "alice@example.com", "Alice1234", "platform-regular"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).doesNotContain("Alice1234").doesNotContain("\"password\"");
        String alice = http.bearer("alice", "Alice1234");

        HttpResponse<String> list = http.get("/kapis/iam.kubesphere.io/v1beta1/users", alice);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(403);
        HttpResponse<String> self = http.get("/kapis/iam.kubesphere.io/v1beta1/users/alice", alice);
        assertThat(self.statusCode()).as(self.body()).isEqualTo(200);
        assertThat(tree(self).path("spec").path("email").asText()).isEqualTo("alice@example.com");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", alice).statusCode()).isEqualTo(403);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/alice/loginrecords", alice).statusCode()).isEqualTo(200);

        HttpResponse<String> records = http.get("/kapis/iam.kubesphere.io/v1beta1/users/alice/loginrecords", admin);
        JsonNode first = tree(records).path("items").get(0);
        assertThat(first.path("spec").path("success").asBoolean()).isTrue();
        assertThat(first.path("spec").path("type").asText()).isEqualTo("Token");
        assertThat(first.path("spec").path("userAgent").asText()).isEqualTo("iam-it/1.0");
        assertThat(first.path("spec").path("sourceIP").asText()).isNotEmpty();
        assertThat(tree(http.get("/kapis/iam.kubesphere.io/v1beta1/users/alice", admin)).path("status").path("lastLoginTime").asText())
                .isNotEmpty();
    }

    @Test
    void fiveWrongPasswordsThenTheSixthAttemptIs429() throws Exception {
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("mallory", "mallory@example.com", "Mallory123", "platform-regular")).statusCode()).isEqualTo(200);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> r = http.passwordGrant("mallory", "wrong-" + i);
            assertThat(r.statusCode()).as("attempt " + i).isEqualTo(400);
            assertThat(tree(r).path("error").asText()).isEqualTo("invalid_grant");
        }
        HttpResponse<String> sixth = http.passwordGrant("mallory", "Mallory123");
        assertThat(sixth.statusCode()).as(sixth.body()).isEqualTo(429);
        assertThat(tree(sixth).path("error_description").asText()).isEqualTo("Rate limit exceeded.");
        assertThat(tree(http.get("/kapis/iam.kubesphere.io/v1beta1/users/mallory", admin)).path("status").path("state").asText())
                .isEqualTo("AuthLimitExceeded");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/mallory", IamHttp.basic("mallory", "Mallory123")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void oauthErrorsHaveKubeSphereCodes() throws Exception {
        assertThat(http.passwordGrant("nobody", "whatever1").statusCode()).isEqualTo(400);
        HttpResponse<String> badClient = http.form("/oauth/token", Map.of("grant_type", "password", "username", "admin",
                "password", "P@88w0rd", "client_id", "nope", "client_secret", "x"));
        assertThat(badClient.statusCode()).isEqualTo(400);
        assertThat(tree(badClient).path("error").asText()).isEqualTo("invalid_client");
        HttpResponse<String> badSecret = http.form("/oauth/token", Map.of("grant_type", "password", "username", "admin",
                "password", "P@88w0rd", "client_id", "kubesphere", "client_secret", "x"));
        assertThat(badSecret.statusCode()).isEqualTo(401);
        assertThat(tree(badSecret).path("error").asText()).isEqualTo("unauthorized_client");
        HttpResponse<String> badGrant = http.form("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "kubesphere", "client_secret", "kubesphere"));
        assertThat(badGrant.statusCode()).isEqualTo(400);
        assertThat(tree(badGrant).path("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void refreshTokenGivesANewPairAndAnAccessTokenIsNotARefreshToken() throws Exception {
        JsonNode pair = tree(http.passwordGrant("admin", "P@88w0rd"));
        HttpResponse<String> refreshed = http.form("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", pair.path("refresh_token").asText(), "client_id", "kubesphere", "client_secret", "kubesphere"));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", "Bearer " + tree(refreshed).path("access_token").asText())
                .statusCode()).isEqualTo(200);
        HttpResponse<String> wrongType = http.form("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", pair.path("access_token").asText(), "client_id", "kubesphere", "client_secret", "kubesphere"));
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(tree(wrongType).path("error_description").asText()).isEqualTo("The refresh token is invalid or expired.");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users", "Bearer " + pair.path("refresh_token").asText()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void logoutRevokesTheToken() throws Exception {
        String token = http.bearer("admin", "P@88w0rd");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", token).statusCode()).isEqualTo(200);
        HttpResponse<String> logout = http.get("/oauth/logout", token);
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(tree(logout).path("message").asText()).isEqualTo("success");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", token).statusCode()).isEqualTo(401);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void passwordChangeRevokesOldTokensAndNeedsTheCurrentPassword() throws Exception {
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("carol", "carol@example.com", "Carol1234", "platform-regular")).statusCode()).isEqualTo(200);
        String carol = http.bearer("carol", "Carol1234");
        HttpResponse<String> wrongCurrent = http.json("PUT", "/kapis/iam.kubesphere.io/v1beta1/users/carol/password", carol,
                Map.of("currentPassword", "nope", "password", "Carol5678"));
        assertThat(wrongCurrent.statusCode()).isEqualTo(400);
        assertThat(wrongCurrent.body()).isEqualTo("incorrect old password");
        HttpResponse<String> weak = http.json("PUT", "/kapis/iam.kubesphere.io/v1beta1/users/carol/password", carol,
                Map.of("currentPassword", "Carol1234", "password", "short"));
        assertThat(weak.statusCode()).isEqualTo(400);
        HttpResponse<String> ok = http.json("PUT", "/kapis/iam.kubesphere.io/v1beta1/users/carol/password", carol,
                Map.of("currentPassword", "Carol1234", "password", "Carol5678"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/kapis/iam.kubesphere.io/v1beta1/users/carol", carol).statusCode() == 401);
        String fresh = http.bearer("carol", "Carol5678");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/carol", fresh).statusCode()).isEqualTo(200);
        assertThat(http.passwordGrant("carol", "Carol1234").statusCode()).isEqualTo(400);
    }

    @Test
    void disablingAUserRejectsTheirTokens() throws Exception {
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("dave", "dave@example.com", "Dave12345", "platform-regular")).statusCode()).isEqualTo(200);
        String dave = http.bearer("dave", "Dave12345");
        // used first, so the kernel has already verified (and remembered) the token when the user is disabled
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/dave", dave).statusCode()).isEqualTo(200);
        JsonNode user = tree(http.get("/kapis/iam.kubesphere.io/v1beta1/users/dave", admin));
        ((com.fasterxml.jackson.databind.node.ObjectNode) user.path("status")).put("state", "Disabled");
        HttpResponse<String> disabled = http.send("PUT", "/kapis/iam.kubesphere.io/v1beta1/users/dave", admin, "application/json",
                user.toString());
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.get("/kapis/iam.kubesphere.io/v1beta1/users/dave", dave).statusCode() == 401);
        HttpResponse<String> login = http.passwordGrant("dave", "Dave12345");
        assertThat(login.statusCode()).isEqualTo(400);
        assertThat(tree(login).path("error_description").asText()).isEqualTo("Account suspended.");
    }

    @Test
    void validationErrors() throws Exception {
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("Bad_Name", "x@example.com", "Passw0rd1", null)).statusCode()).isEqualTo(400);
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("erin", "erin@example.com", "onlyletters", null)).statusCode()).isEqualTo(400);
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("erin", "admin@kubesphere.io", "Passw0rd1", null)).statusCode()).isEqualTo(400);
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("erin", "erin@example.com", "Passw0rd1", "no-such-role")).statusCode()).isEqualTo(404);
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                IamHttp.user("admin", "admin2@example.com", "Passw0rd1", null)).statusCode()).isEqualTo(409);
    }

    @Test
    void publicEndpoints() throws Exception {
        HttpResponse<String> keys = http.get("/oauth/keys", null);
        assertThat(keys.statusCode()).isEqualTo(200);
        JsonNode key = tree(keys).path("keys").get(0);
        assertThat(key.path("kty").asText()).isEqualTo("RSA");
        assertThat(key.path("use").asText()).isEqualTo("sig");
        assertThat(key.has("d")).isFalse();
        HttpResponse<String> wellKnown = http.get("/.well-known/openid-configuration", null);
        assertThat(wellKnown.statusCode()).isEqualTo(200);
        assertThat(tree(wellKnown).path("jwks_uri").asText()).endsWith("/oauth/keys");
        HttpResponse<String> oauthConfig = http.get("/kapis/config.kubesphere.io/v1alpha2/configs/oauth", null);
        assertThat(oauthConfig.statusCode()).isEqualTo(200);
        assertThat(oauthConfig.body()).doesNotContainIgnoringCase("secret");
        assertThat(tree(oauthConfig).path("clients").get(0).path("name").asText()).isEqualTo("kubesphere");
        // the login page shows the theme, so anonymous may read it (KubeSphere's anonymous role) but not change it
        assertThat(http.get("/kapis/config.kubesphere.io/v1alpha2/configs/theme", null).statusCode()).isEqualTo(200);
        assertThat(http.json("PUT", "/kapis/config.kubesphere.io/v1alpha2/configs/theme", null, Map.of("title", "x")).statusCode())
                .isEqualTo(401);
        assertThat(http.json("PUT", "/kapis/config.kubesphere.io/v1alpha2/configs/theme", admin, Map.of("title", "Tessera"))
                .statusCode()).isEqualTo(200);
        assertThat(tree(http.get("/kapis/config.kubesphere.io/v1alpha2/configs/theme", null)).path("title").asText())
                .isEqualTo("Tessera");
        HttpResponse<String> userinfo = http.get("/oauth/userinfo", admin);
        assertThat(tree(userinfo).path("email").asText()).isEqualTo("admin@kubesphere.io");
    }

    @Test
    void serviceAccountTokensAuthenticateUntilTheirSecretIsDeleted() throws Exception {
        try (io.fabric8.kubernetes.client.KubernetesClient client = kernel.embeddedCluster().newClient()) {
            io.fabric8.kubernetes.api.model.GenericKubernetesResource sa = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
            sa.setApiVersion("kubesphere.io/v1alpha1");
            sa.setKind("ServiceAccount");
            sa.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("ci").withNamespace("default").build());
            client.genericKubernetesResources(io.tessera.kernel.iam.api.IamTypes.SERVICE_ACCOUNTS).inNamespace("default").resource(sa).create();
            io.fabric8.kubernetes.api.model.Secret secret = await().atMost(Duration.ofSeconds(20)).until(() -> client.secrets()
                    .inNamespace("default").list().getItems().stream()
                    .filter(s -> "kubesphere.io/service-account-token".equals(s.getType())).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            assertThat(secret.getMetadata().getAnnotations()).containsEntry("kubesphere.io/service-account.name", "ci");
            String token = "Bearer " + new String(java.util.Base64.getDecoder().decode(secret.getData().get("token")));
            assertThat(IamHttp.jwtPayload(token.substring(7)).path("username").asText()).isEqualTo("kubesphere:serviceaccount:default:ci");
            // authenticated, but no role yet
            assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users", token).statusCode()).isEqualTo(403);
            io.fabric8.kubernetes.api.model.GenericKubernetesResource binding =
                    io.tessera.kernel.iam.bootstrap.Bootstrap.globalRoleBinding("ci-platform-admin", "x", "platform-admin");
            binding.getAdditionalProperties().put("subjects", List.of(Map.of("kind", "ServiceAccount", "apiGroup", "kubesphere.io",
                    "name", "ci", "namespace", "default")));
            client.genericKubernetesResources(io.tessera.kernel.iam.api.IamTypes.GLOBAL_ROLE_BINDINGS).resource(binding).create();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/kapis/iam.kubesphere.io/v1beta1/users", token).statusCode() == 200);
            client.secrets().inNamespace("default").withName(secret.getMetadata().getName()).delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.get("/kapis/iam.kubesphere.io/v1beta1/users", token).statusCode() == 401);
        }
    }

    @Test
    void authorizationCodeFlowIssuesTokensAndAnIdTokenOnce() throws Exception {
        try (io.fabric8.kubernetes.client.KubernetesClient client = kernel.embeddedCluster().newClient()) {
            String yaml = "name: app\nsecret: app-secret\ntrusted: false\ngrantMethod: auto\n"
                    + "scopeRestrictions: [openid, email, profile]\nredirectURIs: [\"http://app.example/cb\"]\n"
                    + "accessTokenMaxAgeSeconds: 600\naccessTokenInactivityTimeoutSeconds: 900\n";
            client.secrets().inNamespace("kubesphere-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withName("oauthclient-app").withNamespace("kubesphere-system")
                    .withLabels(Map.of("config.kubesphere.io/type", "oauthclient")).endMetadata()
                    .withType("config.kubesphere.io/oauthclient")
                    .withData(Map.of("configuration.yaml", java.util.Base64.getEncoder().encodeToString(yaml.getBytes()))).build()).create();
        }
        String authorize = "/oauth/authorize?response_type=code&client_id=app&redirect_uri="
                + java.net.URLEncoder.encode("http://app.example/cb", java.nio.charset.StandardCharsets.UTF_8)
                + "&scope=openid%20email&state=s1&nonce=n1";
        HttpResponse<String> redirected = await().atMost(Duration.ofSeconds(10)).until(() -> http.get(authorize, admin),
                r -> r.statusCode() == 302);
        String location = redirected.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://app.example/cb?code=").endsWith("&state=s1");
        String code = java.net.URLDecoder.decode(location.replaceAll(".*code=([^&]+).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        // not logged in: sent to the login page; with prompt=none: login_required back to the client
        assertThat(http.get(authorize, null).statusCode()).isEqualTo(302);
        assertThat(http.get(authorize + "&prompt=none", null).headers().firstValue("Location").orElseThrow())
                .contains("error=login_required");
        assertThat(http.get(authorize.replace("scope=openid%20email", "scope=admin"), admin).headers().firstValue("Location")
                .orElseThrow()).contains("error=invalid_scope");
        assertThat(http.get(authorize.replace("app.example", "evil.example"), admin).statusCode()).isEqualTo(400);
        // the untrusted client may not use the password grant
        assertThat(http.form("/oauth/token", Map.of("grant_type", "password", "username", "admin", "password", "P@88w0rd",
                "client_id", "app", "client_secret", "app-secret")).statusCode()).isEqualTo(400);

        Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", "http://app.example/cb", "client_id", "app", "client_secret", "app-secret");
        HttpResponse<String> tokens = http.form("/oauth/token", exchange);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        // the client's own lifetimes: access 600 s, refresh 600 + 900 s
        assertThat(tree(tokens).path("expires_in").asLong()).isEqualTo(600);
        JsonNode refreshClaims = IamHttp.jwtPayload(tree(tokens).path("refresh_token").asText());
        assertThat(refreshClaims.path("exp").asLong() - refreshClaims.path("iat").asLong()).isEqualTo(1500);
        String idToken = tree(tokens).path("id_token").asText();
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(idToken);
        com.nimbusds.jose.jwk.JWKSet keys = com.nimbusds.jose.jwk.JWKSet.parse(http.get("/oauth/keys", null).body());
        assertThat(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey())))
                .isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("app");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n1");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("email")).isEqualTo("admin@kubesphere.io");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/admin", "Bearer " + tree(tokens).path("access_token").asText())
                .statusCode()).isEqualTo(200);
        HttpResponse<String> again = http.form("/oauth/token", exchange);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(tree(again).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void servedResourceApiListsLikeKubeSphereAndNeverServesUsers() throws Exception {
        HttpResponse<String> r = http.get("/kapis/iam.kubesphere.io/v1beta1/roletemplates?labelSelector=iam.kubesphere.io/scope%3Dworkspace"
                + "&limit=2&sortBy=name&ascending=true", admin);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode list = tree(r);
        assertThat(list.path("kind").asText()).isEqualTo("RoleTemplateList");
        int total = Integer.parseInt(list.path("metadata").path("continue").asText());
        assertThat(total).isGreaterThan(2);
        assertThat(list.path("metadata").path("remainingItemCount").asInt()).isEqualTo(total - 2);
        assertThat(list.path("items").size()).isEqualTo(2);

        Map<String, Object> role = Map.of("metadata", Map.of("name", "ws9-custom"),
                "rules", List.of(Map.of("apiGroups", List.of(""), "resources", List.of("pods"), "verbs", List.of("get"))));
        HttpResponse<String> created = http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/workspaces/ws9/workspaceroles", admin, role);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(tree(created).path("metadata").path("labels").path("kubesphere.io/workspace").asText()).isEqualTo("ws9");
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/workspaces/ws9/workspaceroles/ws9-custom", admin).statusCode())
                .isEqualTo(200);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/workspaces/ws8/workspaceroles/ws9-custom", admin).statusCode())
                .isEqualTo(404);
        HttpResponse<String> users = http.get("/kapis/iam.kubesphere.io/v1beta1/workspaces/ws9/users", admin);
        assertThat(users.statusCode()).isEqualTo(404);
        assertThat(users.body()).doesNotContain("$2a$");
    }

    @Test
    void tokenReviewNamesTheTokensUser() throws Exception {
        String token = tree(http.passwordGrant("admin", "P@88w0rd")).path("access_token").asText();
        HttpResponse<String> r = http.json("POST", "/oauth/authenticate", admin,
                Map.of("apiVersion", "authentication.k8s.io/v1beta1", "kind", "TokenReview", "spec", Map.of("token", token)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(tree(r).path("status").path("authenticated").asBoolean()).isTrue();
        assertThat(tree(r).path("status").path("user").path("username").asText()).isEqualTo("admin");
        assertThat(http.json("POST", "/oauth/authenticate", admin, Map.of("spec", Map.of("token", "a.b.c"))).statusCode())
                .isEqualTo(400);
    }
}
