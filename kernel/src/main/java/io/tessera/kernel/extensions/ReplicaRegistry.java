package io.tessera.kernel.extensions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which kernel replicas are alive and which extension versions each one serves: one Lease per
 * replica in {@code kubesphere-system}, renewed every few seconds, its annotation
 * {@code tessera.io/served} holding {@code {extension: version}}. An InstallPlan is "Installed"
 * only when every live replica reports the planned version.
 */
final class ReplicaRegistry implements AutoCloseable {

    static final String NAMESPACE = "kubesphere-system";
    static final String LABEL = "tessera.io/kernel-replica";
    static final String SERVED = "tessera.io/served";
    /** {@code {extension: {version, message}}}: versions this replica could not start. */
    static final String FAILED = "tessera.io/failed";
    static final int LEASE_SECONDS = 15;
    private static final long RENEW_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String id = "kernel-" + UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("extensions-replica-lease"));
    private volatile Map<String, String> served = Map.of();
    private final Map<String, Map<String, String>> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Another live replica could not start {@code version}; {@code serves} is what it runs instead (or null). */
    record Failure(String replica, String message, String serves) {
    }
    private SharedIndexInformer<Lease> informer;

    ReplicaRegistry(KubernetesClient client) {
        this.client = client;
    }

    String id() {
        return id;
    }

    String leaseName() {
        return "tessera-replica-" + id;
    }

    void start(Runnable onChange) {
        renew();
        informer = client.leases().inNamespace(NAMESPACE).withLabel(LABEL, "true").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(Lease oldObj, Lease newObj) {
                if (!java.util.Objects.equals(oldObj.getMetadata().getAnnotations(), newObj.getMetadata().getAnnotations())) {
                    onChange.run();
                }
            }

            @Override
            public void onDelete(Lease obj, boolean unknown) {
                onChange.run();
            }
        });
        renewer.scheduleWithFixedDelay(this::renewQuietly, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
        LOG.info("event=extensions.replica.started id={}", id);
    }

    /** Publishes what this replica serves now (also on every renewal). */
    void report(Map<String, String> nowServed) {
        served = Map.copyOf(nowServed);
        renewQuietly();
    }

    /** Publishes that this replica could not start {@code name@version}, so the others roll back too. */
    void reportFailure(String name, String version, String message) {
        Map<String, String> f = Map.of("version", version, "message", message == null ? "" : message);
        if (!f.equals(failures.put(name, f))) {
            renewQuietly();
        }
    }

    void clearFailure(String name) {
        if (failures.remove(name) != null) {
            renewQuietly();
        }
    }

    /** The first other live replica that reports it could not start {@code name@version}. */
    java.util.Optional<Failure> failedElsewhere(String name, String version) {
        if (informer == null) {
            return java.util.Optional.empty();
        }
        for (Lease l : liveOthers()) {
            Map<String, String> a = l.getMetadata().getAnnotations() == null ? Map.of() : l.getMetadata().getAnnotations();
            try {
                Map<String, Map<String, String>> f = a.get(FAILED) == null ? Map.of()
                        : JSON.readValue(a.get(FAILED), new TypeReference<Map<String, Map<String, String>>>() { });
                if (f.get(name) != null && version.equals(f.get(name).get("version"))) {
                    Map<String, String> s = a.get(SERVED) == null ? Map.of()
                            : JSON.readValue(a.get(SERVED), new TypeReference<Map<String, String>>() { });
                    return java.util.Optional.of(new Failure(l.getSpec().getHolderIdentity(), f.get(name).get("message"), s.get(name)));
                }
            } catch (java.io.IOException e) {
                LOG.warn("event=extensions.replica.failed.unreadable lease={}", l.getMetadata().getName());
            }
        }
        return java.util.Optional.empty();
    }

    private java.util.List<Lease> liveOthers() {
        ZonedDateTime now = ZonedDateTime.now();
        java.util.List<Lease> out = new java.util.ArrayList<>();
        for (Lease l : informer.getStore().list()) {
            if (l.getMetadata().getName().equals(leaseName()) || l.getSpec() == null || l.getSpec().getRenewTime() == null) {
                continue;
            }
            int seconds = l.getSpec().getLeaseDurationSeconds() == null ? LEASE_SECONDS : l.getSpec().getLeaseDurationSeconds();
            if (!l.getSpec().getRenewTime().plusSeconds(seconds).isBefore(now)) {
                out.add(l);
            }
        }
        return out;
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("event=extensions.replica.renew.failed id={} error=\"{}\"", id, e.toString());
        }
    }

    private synchronized void renew() {
        String json;
        String failedJson;
        try {
            json = JSON.writeValueAsString(served);
            failedJson = JSON.writeValueAsString(failures);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Lease lease = new LeaseBuilder().withNewMetadata().withName(leaseName()).withNamespace(NAMESPACE)
                .addToLabels(LABEL, "true").addToAnnotations(SERVED, json).addToAnnotations(FAILED, failedJson).endMetadata()
                .withNewSpec().withHolderIdentity(id).withLeaseDurationSeconds(LEASE_SECONDS)
                .withRenewTime(ZonedDateTime.now()).endSpec().build();
        var op = client.leases().inNamespace(NAMESPACE).withName(leaseName());
        Lease existing = op.get();
        if (existing == null) {
            client.leases().inNamespace(NAMESPACE).resource(lease).create();
        } else {
            lease.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            try {
                client.leases().inNamespace(NAMESPACE).resource(lease).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // only this replica writes its lease; a conflict means our own earlier write won: retry next round
            }
        }
    }

    /** [replicas serving name@version, live replicas], counting this replica from {@code localServes}. */
    int[] serving(String name, String version, boolean localServes) {
        int live = 1;
        int serving = localServes ? 1 : 0;
        if (informer == null) {
            return new int[] {serving, live};
        }
        // a replica that stopped renewing is not waited for
        for (Lease l : liveOthers()) {
            live++;
            String json = l.getMetadata().getAnnotations() == null ? null : l.getMetadata().getAnnotations().get(SERVED);
            if (json != null) {
                try {
                    Map<String, String> s = JSON.readValue(json, new TypeReference<Map<String, String>>() { });
                    if (version.equals(s.get(name))) {
                        serving++;
                    }
                } catch (java.io.IOException e) {
                    LOG.warn("event=extensions.replica.served.unreadable lease={}", l.getMetadata().getName());
                }
            }
        }
        return new int[] {serving, live};
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        if (informer != null) {
            informer.close();
        }
        try {
            // a stopped replica is not waited for by the others
            client.leases().inNamespace(NAMESPACE).withName(leaseName()).delete();
        } catch (RuntimeException e) {
            LOG.warn("event=extensions.replica.lease.delete.failed id={} error=\"{}\"", id, e.toString());
        }
    }
}
