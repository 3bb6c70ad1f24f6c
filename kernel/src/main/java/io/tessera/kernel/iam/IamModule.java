package io.tessera.kernel.iam;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.concurrent.DaemonThreads;
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
        // The token secret (a Secret to read, or create on a new cluster) needs nothing from the
        // bootstrap (round trips), so the two run side by side.
        ExecutorService keysThread = Executors.newSingleThreadExecutor(DaemonThreads.named("iam-signing-keys"));
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

        UserWriter writer = new UserWriter(client);
        LoginRecords loginRecords = new LoginRecords(client, clock);
        // Every informer's start blocks for its first list and watch; they are independent, so they
        // start side by side (the start still returns only when all are synced).
        ExecutorService starting = Executors.newCachedThreadPool(DaemonThreads.named("iam-start"));
        Informed informed;
        try {
            informed = startInformers(client, clock, tokens, writer, loginRecords, iam, starting);
        } finally {
            starting.shutdown();
        }
        phases.mark("informers");
        UserCache users = informed.users();
        RevocationList revocations = informed.revocations();
        IdentityProviders identityProviders = informed.identityProviders();
        ServiceAccounts serviceAccounts = informed.serviceAccounts();
        RbacIndex index = informed.index();
        RoleAggregationController aggregation = informed.aggregation();
        OAuthClients oauthClients = informed.oauthClients();

        PasswordLogin passwordLogin = new PasswordLogin(users, writer, loginRecords, identityProviders, iam.loginFailureLimit(),
                iam.loginFailureWindow(), clock);
        BearerAuthenticator bearer = new BearerAuthenticator(tokens, revocations, users, writer, serviceAccounts);
        authorizer = new RbacAuthorizer(index);

        housekeeping = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("iam-housekeeping"));
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
        // one RBAC index in the kernel: tenancy's visibility reads this one (it depends on iam, so starts after)
        context.provide(RbacAuthorizer.class, authorizer);
        PUBLIC_PATHS.forEach(context::addPublicPath);

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
        phases.mark("routes");
        LOG.info("event=iam-started admin={} oauthClients={}", iam.adminUsername(), iam.oauthClients().size());
    }

    private record Informed(UserCache users, RevocationList revocations, IdentityProviders identityProviders,
            ServiceAccounts serviceAccounts, RbacIndex index, RoleAggregationController aggregation, UserController userController,
            OAuthClients oauthClients) {
    }

    /**
     * Starts IAM's informer-backed parts concurrently and waits for all. Each one started is kept
     * (closed by {@link #stop}); when one fails, the others still finish starting, so nothing is
     * left half-open, and the first failure is thrown.
     */
    private Informed startInformers(KubernetesClient client, Clock clock, TokenService tokens, UserWriter writer,
            LoginRecords loginRecords, KernelConfig.Iam iam, ExecutorService threads) {
        CompletableFuture<UserCache> users = CompletableFuture.supplyAsync(() -> new UserCache(client), threads);
        CompletableFuture<RevocationList> revocations = CompletableFuture.supplyAsync(() -> new RevocationList(client, clock), threads);
        CompletableFuture<IdentityProviders> identityProviders = users.thenApplyAsync(
                cache -> new IdentityProviders(client, cache, writer), threads);
        CompletableFuture<ServiceAccounts> serviceAccounts = CompletableFuture.supplyAsync(
                () -> started(new ServiceAccounts(client, tokens), ServiceAccounts::start), threads);
        CompletableFuture<RbacIndex> index = CompletableFuture.supplyAsync(() -> RbacIndex.start(client), threads);
        CompletableFuture<RoleAggregationController> aggregation = CompletableFuture.supplyAsync(
                () -> started(new RoleAggregationController(client), RoleAggregationController::start), threads);
        CompletableFuture<UserController> userController = CompletableFuture.supplyAsync(
                () -> started(new UserController(client, writer, loginRecords, clock), UserController::start), threads);
        CompletableFuture<OAuthClients> oauthClients = CompletableFuture.supplyAsync(() -> new OAuthClients(iam.oauthClients(), client),
                threads);
        List<CompletableFuture<? extends AutoCloseable>> all = List.of(users, revocations, identityProviders, serviceAccounts, index,
                aggregation, userController, oauthClients);
        RuntimeException first = null;
        for (CompletableFuture<? extends AutoCloseable> part : all) {
            try {
                keep(part.join());
            } catch (CompletionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException cause ? cause : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return new Informed(users.join(), revocations.join(), identityProviders.join(), serviceAccounts.join(), index.join(),
                aggregation.join(), userController.join(), oauthClients.join());
    }

    /** Starts {@code part}, closing it when its start fails half-way. */
    private static <T extends AutoCloseable> T started(T part, java.util.function.Consumer<T> start) {
        try {
            start.accept(part);
            return part;
        } catch (RuntimeException e) {
            try {
                part.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
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
