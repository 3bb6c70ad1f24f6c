package io.tessera.kernel.iam.idp;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumSet;
import java.util.UUID;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.context.ContextLoaderListener;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.filter.DelegatingFilterProxy;

/**
 * Spring Authorization Server (Spring Security 7) as the OpenID provider of a test, in Jetty on a
 * loopback port: one client, one user with form login, no consent screen. Everything it answers
 * comes from the maintained implementation; only the registrations below are the test's.
 */
final class SpringAuthorizationServer implements AutoCloseable {

    static final String CLIENT_ID = "tessera";
    static final String CLIENT_SECRET = "tessera-secret";
    static final String USER = "sam";
    static final String PASSWORD = "Sam12345";

    /** Read by the Spring configuration when the context starts (one server per test class). */
    static volatile java.util.List<String> redirectUris;
    static volatile String issuer;

    private final Server server;

    private SpringAuthorizationServer(Server server) {
        this.server = server;
    }

    static SpringAuthorizationServer start(int port, java.util.List<String> redirects) throws Exception {
        redirectUris = java.util.List.copyOf(redirects);
        issuer = "http://127.0.0.1:" + port;
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
        spring.register(Config.class);
        context.addEventListener(new ContextLoaderListener(spring));
        context.addFilter(new FilterHolder(new DelegatingFilterProxy("springSecurityFilterChain")), "/*",
                EnumSet.allOf(jakarta.servlet.DispatcherType.class));
        server.setHandler(context);
        server.start();
        return new SpringAuthorizationServer(server);
    }

    String issuer() {
        return issuer;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    @Configuration
    @EnableWebSecurity
    static class Config {

        @Bean
        @Order(1)
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            http.oauth2AuthorizationServer(as -> {
                        http.securityMatcher(as.getEndpointsMatcher());
                        // userinfo also in GitHub's shape (login, email), so one server serves both providers
                        as.oidc(oidc -> oidc.userInfoEndpoint(u -> u.userInfoMapper(ctx -> {
                            String name = ctx.getAuthorization().getPrincipalName();
                            return new org.springframework.security.oauth2.core.oidc.OidcUserInfo(java.util.Map.of(
                                    "sub", name, "login", name, "email", name + "@spring.example"));
                        })));
                    })
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .exceptionHandling(e -> e.authenticationEntryPoint(
                            new org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint("/login")));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain login(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername(USER).password("{noop}" + PASSWORD).roles("USER").build());
        }

        @Bean
        RegisteredClientRepository clients() {
            RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString()).clientId(CLIENT_ID)
                    .clientSecret("{noop}" + CLIENT_SECRET)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUris(uris -> uris.addAll(redirectUris))
                    .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                    // the console builds the IdP login link itself (reference §1.8), so no PKCE verifier
                    // can reach the server; confidential clients may go without it
                    .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).requireProofKey(false).build())
                    .build();
            return new InMemoryRegisteredClientRepository(client);
        }

        @Bean
        JWKSource<SecurityContext> jwkSource() throws Exception {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        org.springframework.security.oauth2.jwt.JwtDecoder jwtDecoder(JWKSource<SecurityContext> keys) {
            return org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        }

        @Bean
        AuthorizationServerSettings settings() {
            return AuthorizationServerSettings.builder().issuer(issuer).build();
        }
    }
}
