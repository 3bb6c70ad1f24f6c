package io.tessera.kernel.iam.users;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Users written around the API (kubectl, GitOps) in shape, as KubeSphere's user controller
 * does (reference §3.1): a clear-text {@code spec.password} is bcrypt-hashed, an empty state
 * becomes {@code Active}, and a deleted user's bindings and login records are removed. Writes are
 * idempotent, so several replicas may run it; work runs off the informer thread.
 */
public final class UserController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UserController.class);

    private final KubernetesClient client;
    private final UserWriter writer;
    private final LoginRecords records;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("iam-user-controller"));
    private SharedIndexInformer<GenericKubernetesResource> informer;

    public UserController(KubernetesClient client, UserWriter writer, LoginRecords records, Clock clock) {
        this.client = client;
        this.writer = writer;
        this.records = records;
        this.clock = clock;
    }

    public void start() {
        informer = client.genericKubernetesResources(IamTypes.USERS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource u) {
                submit(() -> reconcile(u));
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource u) {
                submit(() -> reconcile(u));
            }

            @Override
            public void onDelete(GenericKubernetesResource u, boolean unknown) {
                submit(() -> UserCleanup.removeEverythingOf(client, records, u.getMetadata().getName()));
            }
        });
    }

    private void submit(Runnable r) {
        worker.submit(() -> {
            try {
                r.run();
            } catch (KubernetesClientException e) {
                LOG.warn("event=user-reconcile-failed code={} message={}", e.getCode(), e.getStatus() == null ? "" : e.getStatus().getMessage());
            } catch (RuntimeException e) {
                LOG.warn("event=user-reconcile-failed error={}", e.toString());
            }
        });
    }

    void reconcile(GenericKubernetesResource user) {
        String password = IamTypes.str(user, "spec", "password");
        boolean needsHash = !password.isEmpty() && !Passwords.isHash(password);
        boolean needsState = IamTypes.str(user, "status", "state").isEmpty();
        if (!needsHash && !needsState) {
            return;
        }
        writer.modify(user.getMetadata().getName(), u -> {
            String p = IamTypes.str(u, "spec", "password");
            if (!p.isEmpty() && !Passwords.isHash(p)) {
                IamTypes.section(u, "spec").put("password", Passwords.hash(p));
                IamTypes.putAnnotation(u, IamTypes.ANN_LAST_PASSWORD_CHANGE, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
                IamTypes.putAnnotation(u, IamTypes.ANN_TOKENS_NOT_BEFORE, Long.toString(clock.instant().getEpochSecond() + 1));
            }
            if (IamTypes.str(u, "status", "state").isEmpty()) {
                IamTypes.section(u, "status").put("state", IamTypes.STATE_ACTIVE);
                IamTypes.section(u, "status").put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            }
        });
        if (needsHash) {
            LOG.info("event=password-hashed user={}", user.getMetadata().getName());
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdownNow();
    }
}
