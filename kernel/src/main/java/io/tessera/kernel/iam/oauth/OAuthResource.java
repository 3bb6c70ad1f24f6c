package io.tessera.kernel.iam.oauth;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authn.BearerAuthenticator;
import io.tessera.kernel.iam.authn.PasswordLogin;
import io.tessera.kernel.iam.idp.IdentityProviders;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import io.tessera.kernel.iam.token.InvalidTokenException;
import io.tessera.kernel.iam.token.RevocationList;
import io.tessera.kernel.iam.token.TokenClaims;
import io.tessera.kernel.iam.token.TokenService;
import io.tessera.kernel.iam.users.UserCache;
import io.tessera.kernel.iam.users.UserWriter;
import io.tessera.kernel.security.AuthenticationException;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** KubeSphere's OAuth2 endpoints under {@code /oauth} (reference §1.4–§1.6). */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class OAuthResource {

    private final OAuthClients clients;
    private final PasswordLogin passwordLogin;
    private final BearerAuthenticator bearer;
    private final TokenService tokens;
    private final RevocationList revocations;
    private final UserCache users;
    private final UserWriter writer;
    private final KernelConfig.Iam config;

    private final IdentityProviders identityProviders;

    public OAuthResource(OAuthClients clients, PasswordLogin passwordLogin, BearerAuthenticator bearer, RevocationList revocations,
                         UserCache users, UserWriter writer, KernelConfig.Iam config, IdentityProviders identityProviders) {
        this.identityProviders = identityProviders;
        this.clients = clients;
        this.passwordLogin = passwordLogin;
        this.bearer = bearer;
        this.tokens = bearer.tokens();
        this.revocations = revocations;
        this.users = users;
        this.writer = writer;
        this.config = config;
    }

    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response token(MultivaluedMap<String, String> form, @Context HttpServletRequest request) {
        String grantType = first(form, "grant_type");
        String clientId = first(form, "client_id");
        String clientSecret = first(form, "client_secret");
        if (grantType.isEmpty() || clientId.isEmpty()) {
            return error(400, "invalid_request", "grant_type and client_id are required.");
        }
        Optional<OAuthClients.Client> client = clients.find(clientId);
        if (client.isEmpty()) {
            return error(400, "invalid_client", "The client does not exist.");
        }
        if (!OAuthClients.secretMatches(client.get(), clientSecret)) {
            return error(401, "unauthorized_client", "Invalid client credential.");
        }
        return switch (grantType) {
            case "password" -> client.get().trusted() ? passwordGrant(client.get(), form, request)
                    : error(400, "unsupported_grant_type", "The client may not use the password grant.");
            case "authorization_code", "code" -> codeGrant(client.get(), form, request);
            case "refresh_token" -> refreshGrant(client.get(), form, request);
            default -> error(400, "unsupported_grant_type", "The grant type " + grantType + " is not supported.");
        };
    }

    private Response passwordGrant(OAuthClients.Client client, MultivaluedMap<String, String> form, HttpServletRequest request) {
        PasswordLogin.Result result = passwordLogin.login(first(form, "username"), first(form, "password"), first(form, "provider"),
                origin(request), LoginRecords.Type.Token, true);
        return switch (result.outcome()) {
            case OK -> Response.ok(issuePair(client, result.user(), issuer(request))).header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache").build();
            case RATE_LIMITED -> error(429, "invalid_grant", "Rate limit exceeded.");
            case SUSPENDED -> error(400, "invalid_grant", "Account suspended.");
            case PROVIDER_ERROR -> error(500, "server_error", "The identity provider failed; see the server log.");
            default -> error(400, "invalid_grant", "Invalid username or password.");
        };
    }

    private Response refreshGrant(OAuthClients.Client client, MultivaluedMap<String, String> form, HttpServletRequest request) {
        String refresh = first(form, "refresh_token");
        UserInfo info;
        try {
            info = bearer.verify(refresh, TokenClaims.REFRESH);
        } catch (AuthenticationException e) {
            return error(400, "invalid_grant", "The refresh token is invalid or expired.");
        }
        Optional<GenericKubernetesResource> user;
        if (BearerAuthenticator.PRE_REGISTRATION.equals(info.name())) {
            // a registered pre-registration identity trades its refresh token for the real user's tokens
            List<String> idp = info.extra().getOrDefault("idp", List.of());
            List<String> uid = info.extra().getOrDefault("uid", List.of());
            user = idp.size() == 1 && uid.size() == 1 ? identityProviders.linkedUser(idp.get(0), uid.get(0)) : Optional.empty();
        } else {
            user = users.get(info.name()).or(() -> writer.fetch(info.name()));
        }
        if (user.isEmpty() || IamTypes.STATE_DISABLED.equals(UserCache.state(user.get()))) {
            return error(400, "invalid_grant", "Authenticated user does not exist.");
        }
        return Response.ok(issuePair(client, user.get(), issuer(request))).header("Cache-Control", "no-store")
                .header("Pragma", "no-cache").build();
    }

    private Response codeGrant(OAuthClients.Client client, MultivaluedMap<String, String> form, HttpServletRequest request) {
        String code = first(form, "code");
        if (code.isEmpty()) {
            return error(400, "invalid_request", "The code is required.");
        }
        String redirect = first(form, "redirect_uri");
        if (!redirect.isEmpty() && client.resolveRedirect(redirect).isEmpty()) {
            return error(400, "invalid_request", "Redirect URI is not allowed.");
        }
        TokenService.Code verified;
        try {
            verified = tokens.verifyCode(code);
        } catch (InvalidTokenException e) {
            return error(400, "invalid_grant", "The authorization code is invalid or expired.");
        }
        if (!client.name().equals(verified.clientId()) || revocations.isRevoked(verified.claims().id())) {
            return error(400, "invalid_grant", "The authorization code is invalid or expired.");
        }
        // a code is good for one exchange
        revocations.revoke(verified.claims().id(), verified.claims().username(), verified.claims().expiresAt());
        Optional<GenericKubernetesResource> user = users.get(verified.claims().username())
                .or(() -> writer.fetch(verified.claims().username()));
        if (user.isEmpty() || IamTypes.STATE_DISABLED.equals(UserCache.state(user.get()))) {
            return error(400, "invalid_grant", "Authenticated user does not exist.");
        }
        String issuer = issuer(request);
        Map<String, Object> body = issuePair(client, user.get(), issuer);
        if (verified.scopes().contains("openid")) {
            body.put("id_token", idToken(user.get(), issuer, client.name(), verified.nonce(), verified.scopes()));
        }
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    private String idToken(GenericKubernetesResource user, String issuer, String audience, String nonce, List<String> scopes) {
        Map<String, Object> profile = new LinkedHashMap<>();
        if (scopes.contains("email")) {
            profile.put("email", IamTypes.str(user, "spec", "email"));
        }
        if (scopes.contains("profile")) {
            profile.put("preferred_username", user.getMetadata().getName());
            profile.put("locale", IamTypes.str(user, "spec", "lang"));
            profile.put("url", IamTypes.str(user, "spec", "displayName"));
        }
        return tokens.issueIdToken(issuer, user.getMetadata().getName(), audience, nonce, profile, config.accessTokenMaxAge());
    }

    /**
     * The browser's return from an identity provider (reference §1.6): success answers the token
     * JSON; failure a 401 in plain text.
     */
    @GET
    @Path("callback/{callback}")
    public Response callback(@jakarta.ws.rs.PathParam("callback") String idp, @Context jakarta.ws.rs.core.UriInfo uri,
                             @Context HttpServletRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((k, v) -> params.put(k, v.isEmpty() ? "" : v.get(0)));
        Optional<IdentityProviders.Authenticated> authenticated;
        try {
            authenticated = identityProviders.authenticateCallback(idp, params);
        } catch (IdentityProviders.ProviderException e) {
            org.slf4j.LoggerFactory.getLogger(OAuthResource.class).warn("event=idp-callback-failed provider={} reason={}", idp,
                    e.getMessage());
            return unauthorized("identity provider " + idp + " could not authenticate the user");
        }
        if (authenticated.isEmpty()) {
            return unauthorized("the identity provider did not confirm the login");
        }
        if (authenticated.get().preRegistration()) {
            // manual mapping: tokens for the pseudo user that may only register itself (reference §1.8)
            IdentityProviders.Identity id = authenticated.get().identity();
            Map<String, List<String>> extra = Map.of("idp", List.of(idp), "uid", List.of(id.uid()),
                    "username", List.of(id.username()), "email", List.of(id.email()));
            return Response.ok(issuePair(null, BearerAuthenticator.PRE_REGISTRATION, extra, java.time.Instant.EPOCH, issuer(request)))
                    .header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
        }
        if (authenticated.get().user() == null) {
            return unauthorized("user " + authenticated.get().identity().username() + " is not registered");
        }
        PasswordLogin.Result result = passwordLogin.external(authenticated.get().user(), idp, origin(request));
        return switch (result.outcome()) {
            case OK -> Response.ok(issuePair(null, result.user(), issuer(request))).header("Cache-Control", "no-store")
                    .header("Pragma", "no-cache").build();
            case RATE_LIMITED -> unauthorized("too many failed login attempts, try again later");
            default -> unauthorized("account is not active");
        };
    }

    private static Response unauthorized(String reason) {
        return Response.status(401).type(MediaType.TEXT_PLAIN).entity("Unauthorized: " + reason).build();
    }

    @GET
    @Path("authorize")
    public Response authorizeGet(@Context jakarta.ws.rs.core.UriInfo uri, @Context HttpServletRequest request) {
        return authorize(uri.getQueryParameters(), request);
    }

    @POST
    @Path("authorize")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response authorizePost(MultivaluedMap<String, String> form, @Context HttpServletRequest request) {
        return authorize(form, request);
    }

    /** KubeSphere's authorization endpoint (reference §1.5): codes and implicit ID tokens. */
    private Response authorize(MultivaluedMap<String, String> params, HttpServletRequest request) {
        Optional<OAuthClients.Client> client = clients.find(first(params, "client_id"));
        if (client.isEmpty()) {
            return error(400, "invalid_client", "The client does not exist.");
        }
        Optional<String> redirect = client.get().resolveRedirect(first(params, "redirect_uri"));
        if (redirect.isEmpty()) {
            return error(400, "invalid_request", "Redirect URI is not allowed.");
        }
        String state = first(params, "state");
        List<String> scopes = List.of(first(params, "scope").split(" ")).stream().filter(x -> !x.isEmpty()).toList();
        if (scopes.isEmpty() || !client.get().scopeRestrictions().containsAll(scopes)) {
            return redirectError(redirect.get(), "invalid_scope", "The requested scope is invalid.", state);
        }
        String responseType = first(params, "response_type");
        if (!responseType.equals("code") && !responseType.equals("id_token")) {
            return redirectError(redirect.get(), "unsupported_response_type", "The response type is not supported.", state);
        }
        if ("deny".equals(client.get().grantMethod())) {
            return redirectError(redirect.get(), "invalid_grant", "The client is not allowed to be granted.", state);
        }
        Object attr = request.getAttribute(RequestAttributes.USER);
        UserInfo caller = attr instanceof UserInfo u ? u : UserInfo.ANONYMOUS;
        String prompt = first(params, "prompt");
        if (caller.anonymous()) {
            if ("none".equals(prompt)) {
                return redirectError(redirect.get(), "login_required", "The user is not logged in.", state);
            }
            return Response.status(302).location(URI.create(issuer(request))).build();
        }
        if ("none".equals(prompt) && !"auto".equals(client.get().grantMethod())) {
            return redirectError(redirect.get(), "interaction_required", "The authorization requires interaction.", state);
        }
        String nonce = first(params, "nonce");
        if (responseType.equals("code")) {
            String code = tokens.issueCode(issuer(request), caller.name(), client.get().name(), scopes, nonce, Duration.ofMinutes(10));
            return Response.status(302).location(URI.create(redirect.get() + (redirect.get().contains("?") ? "&" : "?")
                    + "code=" + enc(code) + (state.isEmpty() ? "" : "&state=" + enc(state)))).build();
        }
        if (nonce.isEmpty()) {
            return Response.ok().build(); // as KubeSphere: an implicit ID token needs a nonce
        }
        Optional<GenericKubernetesResource> user = users.get(caller.name()).or(() -> writer.fetch(caller.name()));
        if (user.isEmpty()) {
            return redirectError(redirect.get(), "login_required", "The user does not exist.", state);
        }
        String idToken = idToken(user.get(), issuer(request), client.get().name(), nonce, scopes);
        return Response.status(302).location(URI.create(redirect.get() + "#id_token=" + enc(idToken)
                + (state.isEmpty() ? "" : "&state=" + enc(state)))).build();
    }

    private static Response redirectError(String redirect, String code, String description, String state) {
        return Response.status(302).location(URI.create(redirect + (redirect.contains("?") ? "&" : "?") + "error=" + enc(code)
                + "&error_description=" + enc(description) + (state.isEmpty() ? "" : "&state=" + enc(state)))).build();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @param client the requesting client (its lifetimes may override the defaults); null for IdP callbacks */
    private Map<String, Object> issuePair(OAuthClients.Client client, GenericKubernetesResource user, String issuer) {
        Map<String, List<String>> extra = "true".equals(IamTypes.annotation(user, IamTypes.ANN_UNINITIALIZED))
                ? Map.of("uninitialized", List.of("true")) : Map.of();
        return issuePair(client, user.getMetadata().getName(), extra, UserCache.tokensNotBefore(user), issuer);
    }

    private Map<String, Object> issuePair(OAuthClients.Client client, String name, Map<String, List<String>> extra, Instant notBefore,
                                          String issuer) {
        boolean custom = client != null && client.overridesLifetimes();
        Duration access = custom ? Duration.ofSeconds(client.accessTokenMaxAgeSeconds()) : config.accessTokenMaxAge();
        Duration refresh = access.plus(custom ? Duration.ofSeconds(client.accessTokenInactivityTimeoutSeconds())
                : config.accessTokenInactivityTimeout());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.issue(issuer, name, TokenClaims.ACCESS, access, extra, notBefore));
        body.put("token_type", "Bearer");
        body.put("refresh_token", tokens.issue(issuer, name, TokenClaims.REFRESH, refresh, extra, notBefore));
        if (access.toSeconds() > 0) {
            body.put("expires_in", access.toSeconds());
        }
        return body;
    }

    @GET
    @Path("logout")
    public Response logout(@QueryParam("post_logout_redirect_uri") String redirect, @QueryParam("state") String state,
                           @Context HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                TokenClaims claims = tokens.verify(header.substring(7).trim());
                revocations.revoke(claims.id(), claims.username(), claims.expiresAt());
            } catch (InvalidTokenException e) {
                // nothing to revoke: the chain has already rejected invalid bearer tokens
            }
        }
        // only same-site redirects: an open redirect after logout is a phishing aid
        if (redirect != null && redirect.startsWith("/") && !redirect.startsWith("//")) {
            String target = redirect + (state == null || state.isEmpty() ? ""
                    : (redirect.contains("?") ? "&" : "?") + "state=" + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8));
            return Response.status(302).location(URI.create(target)).build();
        }
        return Response.ok(Map.of("message", "success")).build();
    }

    @GET
    @Path("userinfo")
    public Response userinfo(@Context HttpServletRequest request) {
        Object attr = request.getAttribute(RequestAttributes.USER);
        if (!(attr instanceof UserInfo caller) || caller.anonymous()) {
            return Response.status(401).entity("\"login_required\"").build();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", caller.name());
        body.put("preferred_username", caller.name());
        users.get(caller.name()).ifPresent(u -> {
            body.put("email", IamTypes.str(u, "spec", "email"));
            body.put("locale", IamTypes.str(u, "spec", "lang"));
            // KubeSphere serializes the full name under "url" (a struct-tag quirk, reference §1.2)
            body.put("url", IamTypes.str(u, "spec", "displayName"));
        });
        return Response.ok(body).build();
    }

    /**
     * KubeSphere's deprecated TokenReview webhook (reference §1.6), for a Kubernetes API server
     * configured to authenticate with Tessera's tokens. The caller itself must be signed in.
     */
    @POST
    @Path("authenticate")
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response tokenReview(Map<String, Object> review) {
        Object spec = review == null ? null : review.get("spec");
        String token = spec instanceof Map<?, ?> m && m.get("token") != null ? String.valueOf(((Map<String, Object>) m).get("token")) : "";
        if (token.isEmpty()) {
            return Response.status(400).type(MediaType.TEXT_PLAIN).entity("spec.token is required").build();
        }
        UserInfo user;
        try {
            user = bearer.verify(token, TokenClaims.ACCESS);
        } catch (AuthenticationException e) {
            return Response.status(400).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", review.getOrDefault("apiVersion", "authentication.k8s.io/v1"));
        out.put("kind", "TokenReview");
        out.put("status", Map.of("authenticated", true, "user", Map.of("username", user.name(), "uid", user.uid())));
        return Response.ok(out).build();
    }

    @GET
    @Path("keys")
    public Map<String, Object> keys() {
        return new com.nimbusds.jose.jwk.JWKSet(tokens.keys().rsaKey().toPublicJWK()).toJSONObject(true);
    }

    static String issuer(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || host.isEmpty()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host;
    }

    private static PasswordLogin.Origin origin(HttpServletRequest request) {
        String ua = request.getHeader("User-Agent");
        return new PasswordLogin.Origin(request.getRemoteAddr(), ua == null ? "" : ua);
    }

    private static String first(MultivaluedMap<String, String> form, String key) {
        String v = form == null ? null : form.getFirst(key);
        return v == null ? "" : v;
    }

    static Response error(int status, String code, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", code, "error_description", description))
                .header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }
}
