package io.tessera.kernel.iam;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamCrds;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authn.BasicAuthenticator;
import io.tessera.kernel.iam.authn.BearerAuthenticator;
import io.tessera.kernel.iam.authn.PasswordLogin;
import io.tessera.kernel.iam.authz.RbacAuthorizer;
import io.tessera.kernel.iam.authz.RbacIndex;
import io.tessera.kernel.iam.authz.SubjectAccessReviewResource;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import io.tessera.kernel.iam.config.ConfigResource;
import io.tessera.kernel.iam.idp.IdentityProviders;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import io.tessera.kernel.iam.oauth.OAuthClients;
import io.tessera.kernel.iam.oauth.OAuthResource;
import io.tessera.kernel.iam.oauth.WellKnownResource;
import io.tessera.kernel.iam.roles.RoleAggregationController;
import io.tessera.kernel.iam.serviceaccount.ServiceAccounts;
import io.tessera.kernel.modules.BootPhases;
import io.tessera.kernel.served.ServedResource;
import io.tessera.kernel.iam.token.RevocationList;
import io.tessera.kernel.iam.token.SigningKeys;
import io.tessera.kernel.iam.token.TokenService;
import io.tessera.kernel.iam.users.UserCache;
import io.tessera.kernel.iam.users.UserController;
import io.tessera.kernel.iam.users.UserWriter;
import io.tessera.kernel.iam.users.UsersResource;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identity and access (issue 4): OAuth2 login, tokens, users, identity providers, RBAC at four
 * scopes. Stateless: everything it knows is in Kubernetes objects, read through informers, so any
 * number of replicas may run it side by side.
 */
public final class IamModule implements KernelModule {

    private static final Logger LOG = LoggerFactory.getLogger(IamModule.class);

    /** The complete list of routes that answer without credentials. */
    public static final List<String> PUBLIC_PATHS = List.of("/oauth/token", "/oauth/authorize", "/oauth/callback/*", "/oauth/keys",
            "/.well-known/openid-configuration", "/healthz", "/livez", "/readyz", "/version", "/dist/*",
            "GET /kapis/config.kubesphere.io/v1alpha2/configs/oauth");

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ScheduledExecutorService housekeeping;
    private volatile RbacAuthorizer authorizer;

    @Override
    public String name() {
        return "iam";
    }

    @Override
    public List<String> crdResources() {
        return IamCrds.RESOURCES;
    }

    @Override
    public void start(KernelContext context) {
        KubernetesClient client = context.kubernetes();
        KernelConfig.Iam iam = context.config().iam();
        Clock clock = Clock.systemUTC();

        BootPhases phases = new BootPhases(LOG, "iam");
        // The signing keys (a 2048-bit RSA key to generate on a new cluster: CPU) need nothing
        // from the bootstrap (round trips), so the two run side by side.
        ExecutorService keysThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "iam-signing-keys");
            t.setDaemon(true);
            return t;
        });
        SigningKeys keys;
        try {
            CompletableFuture<SigningKeys> loadingKeys = CompletableFuture.supplyAsync(() -> SigningKeys.loadOrCreate(client),
                    keysThread);
            new Bootstrap(client).run(iam.adminUsername(), iam.adminPassword());
            phases.mark("bootstrap");
            keys = join(loadingKeys);
            phases.mark("signing-keys");
        } finally {
            keysThread.shutdown();
        }
        TokenService tokens = new TokenService(keys, clock);

        UserCache users = keep(new UserCache(client));
        UserWriter writer = new UserWriter(client);
        RevocationList revocations = keep(new RevocationList(client, clock));
        LoginRecords loginRecords = new LoginRecords(client, clock);
        IdentityProviders identityProviders = keep(new IdentityProviders(client, users, writer));
        PasswordLogin passwordLogin = new PasswordLogin(users, writer, loginRecords, identityProviders, iam.loginFailureLimit(),
                iam.loginFailureWindow(), clock);
        ServiceAccounts serviceAccounts = keep(new ServiceAccounts(client, tokens));
        serviceAccounts.start();
        BearerAuthenticator bearer = new BearerAuthenticator(tokens, revocations, users, writer, serviceAccounts);

        RbacIndex index = keep(RbacIndex.start(client));
        authorizer = new RbacAuthorizer(index);
        RoleAggregationController aggregation = keep(new RoleAggregationController(client));
        aggregation.start();
        UserController userController = keep(new UserController(client, writer, loginRecords, clock));
        userController.start();

        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iam-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                revocations.purgeExpired();
                loginRecords.purge();
            } catch (RuntimeException e) {
                LOG.warn("event=iam-housekeeping-failed error={}", e.toString());
            }
        }, 1, 10, TimeUnit.MINUTES);

        context.addAuthenticator(new BasicAuthenticator(passwordLogin));
        context.addAuthenticator(bearer);
        context.setAuthorizer(authorizer);
        PUBLIC_PATHS.forEach(context::addPublicPath);

        OAuthClients oauthClients = keep(new OAuthClients(iam.oauthClients(), client));
        context.mountPath("/oauth", new OAuthResource(oauthClients, passwordLogin, bearer, revocations, users, writer, iam,
                identityProviders));
        context.mountPath("/.well-known", new WellKnownResource());
        context.mountKapis("iam.kubesphere.io", "v1beta1",
                new UsersResource(client, users, writer, loginRecords, authorizer, clock),
                new SubjectAccessReviewResource(authorizer),
                new ServedResource(client, "iam.kubesphere.io", "v1beta1", IamTypes.SERVED));
        context.mountKapis("config.kubesphere.io", "v1alpha2", new ConfigResource(client, iam, identityProviders, oauthClients));
        context.addReadinessCheck("iam", () -> users.synced() && index.synced() && revocations.synced()
                && aggregation.synced() && serviceAccounts.synced());
        phases.mark("informers-and-routes");
        LOG.info("event=iam-started admin={} oauthClients={}", iam.adminUsername(), iam.oauthClients().size());
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The authorizer, once started (benchmarks and the authorization matrix read it). */
    public RbacAuthorizer authorizer() {
        return authorizer;
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void stop() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("event=iam-stop-failed error={}", e.toString());
            }
        }
        closeables.clear();
    }
}
