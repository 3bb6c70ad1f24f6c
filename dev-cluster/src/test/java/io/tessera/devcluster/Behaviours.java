package io.tessera.devcluster;

import static io.tessera.devcluster.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * API-server behaviours the platform depends on, one check each. The same checks run against the
 * development cluster (they must pass) and against fabric8's stock CRUD dispatcher (each must fail),
 * which shows every check tests something the stock mock gets wrong.
 */
final class Behaviours {

    @FunctionalInterface
    interface Check {
        void run(ClusterUnderTest c) throws Exception;
    }

    record Behaviour(String name, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Behaviours() {
    }

    static List<Behaviour> all() {
        return List.of(
                new Behaviour("stale update is a 409 Conflict", Behaviours::staleUpdateConflict),
                new Behaviour("create of an existing object is a 409 AlreadyExists with details", Behaviours::alreadyExists),
                new Behaviour("a delete takes its own resourceVersion", Behaviours::deleteAdvancesResourceVersion),
                new Behaviour("DELETE honours preconditions", Behaviours::deletePreconditions),
                new Behaviour("built-in kinds have a status subresource", Behaviours::builtInStatusSubresource),
                new Behaviour("CRD status subresource: declared or 404, stale 409", Behaviours::crdStatusSubresource),
                new Behaviour("generation tracks spec changes (and status without a subresource)", Behaviours::generation),
                new Behaviour("finalizers hold a deletion; deletionTimestamp cannot be removed", Behaviours::finalizers),
                new Behaviour("a watch resumes from a resourceVersion by replay", Behaviours::watchReplay),
                new Behaviour("a watch from a compacted resourceVersion gets 410 Gone", Behaviours::watchGone),
                new Behaviour("watch bookmarks and initial-events-end", Behaviours::watchBookmarks),
                new Behaviour("JSON merge patch follows RFC 7386", Behaviours::mergePatch),
                new Behaviour("a failing JSON patch is a 422 and changes nothing", Behaviours::jsonPatchFailure),
                new Behaviour("strategic merge patch merges lists by name", Behaviours::strategicMergePatch),
                new Behaviour("set-based label selectors in lists", Behaviours::setBasedSelectors),
                new Behaviour("set-based label selectors in watches", Behaviours::setBasedSelectorWatch),
                new Behaviour("field selectors filter on any field", Behaviours::fieldSelectors),
                new Behaviour("limit/continue paging with an opaque token", Behaviours::paging),
                new Behaviour("discovery serves /version, groups and CRDs created at run time", Behaviours::discovery),
                new Behaviour("OpenAPI v3 and CRD schema validation", Behaviours::openApiAndSchema),
                new Behaviour("label keys and values and node taints are validated (422 Invalid)", Behaviours::labelAndTaintValidation));
    }

    /** Behaviours the stock dispatcher happens to get right too: checked on ours only, as regression tests. */
    static List<Behaviour> alsoOnStock() {
        return List.of(new Behaviour("a no-op update keeps the resourceVersion", Behaviours::noopUpdate));
    }

    // ------------------------------------------------------------------ helpers

    static String newNamespace(ClusterUnderTest c) {
        String ns = "conf-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Resp r = c.http().post("/api/v1/namespaces", obj("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'" + ns + "'}}"));
        assertThat(r.code()).as("create namespace: %s", r).isEqualTo(201);
        return ns;
    }

    static ObjectNode configMap(String name, String labels) {
        return obj("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'" + name + "','labels':{" + labels
                + "}},'data':{'a':'1','b':'2'}}");
    }

    static String cms(String ns) {
        return "/api/v1/namespaces/" + ns + "/configmaps";
    }

    static Http.Resp created(ClusterUnderTest c, String path, ObjectNode body) {
        Http.Resp r = c.http().post(path, body);
        assertThat(r.code()).as("POST %s: %s", path, r).isIn(200, 201);
        return r;
    }

    static long rv(Http.Resp r) {
        return Long.parseLong(r.rv());
    }

    static Duration deadline() {
        return Duration.ofSeconds(5);
    }

    // ------------------------------------------------------------------ checks

    static void staleUpdateConflict(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp first = created(c, cms(ns), configMap("a", ""));
        ObjectNode stale = (ObjectNode) first.json().deepCopy();
        ObjectNode fresh = stale.deepCopy();
        ((ObjectNode) fresh.get("data")).put("a", "changed");
        assertThat(c.http().put(cms(ns) + "/a", fresh).code()).isEqualTo(200);
        ((ObjectNode) stale.get("data")).put("a", "lost update");
        Http.Resp r = c.http().put(cms(ns) + "/a", stale);
        assertThat(r.code()).as("%s", r).isEqualTo(409);
        assertThat(r.reason()).isEqualTo("Conflict");
        assertThat(c.http().get(cms(ns) + "/a").json().path("data").path("a").asText()).isEqualTo("changed");
    }

    static void alreadyExists(ClusterUnderTest c) {
        String ns = newNamespace(c);
        created(c, cms(ns), configMap("dup", ""));
        Http.Resp r = c.http().post(cms(ns), configMap("dup", ""));
        assertThat(r.code()).isEqualTo(409);
        assertThat(r.reason()).isEqualTo("AlreadyExists");
        assertThat(r.json().path("details").path("name").asText()).isEqualTo("dup");
        assertThat(r.json().path("details").path("kind").asText()).isEqualTo("configmaps");
    }

    static void deleteAdvancesResourceVersion(ClusterUnderTest c) {
        String ns = newNamespace(c);
        long a = rv(created(c, cms(ns), configMap("a", "")));
        Http.Resp deleted = c.http().delete(cms(ns) + "/a", null);
        assertThat(deleted.code()).isEqualTo(200);
        long b = rv(created(c, cms(ns), configMap("b", "")));
        assertThat(b).as("the delete between them took a resourceVersion").isGreaterThanOrEqualTo(a + 2);
        Http.Resp list = c.http().get(cms(ns));
        assertThat(rv(list)).isGreaterThanOrEqualTo(b);
    }

    static void noopUpdate(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp r = created(c, cms(ns), configMap("same", ""));
        Http.Resp again = c.http().put(cms(ns) + "/same", r.json());
        assertThat(again.code()).isEqualTo(200);
        assertThat(again.rv()).isEqualTo(r.rv());
    }

    static void deletePreconditions(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp r = created(c, cms(ns), configMap("p", ""));
        Http.Resp wrongUid = c.http().delete(cms(ns) + "/p",
                obj("{'kind':'DeleteOptions','apiVersion':'v1','preconditions':{'uid':'not-the-uid'}}"));
        assertThat(wrongUid.code()).as("%s", wrongUid).isEqualTo(409);
        Http.Resp wrongRv = c.http().delete(cms(ns) + "/p",
                obj("{'kind':'DeleteOptions','apiVersion':'v1','preconditions':{'resourceVersion':'1'}}"));
        assertThat(wrongRv.code()).isEqualTo(409);
        assertThat(c.http().get(cms(ns) + "/p").code()).isEqualTo(200);
        Http.Resp ok = c.http().delete(cms(ns) + "/p", obj("{'kind':'DeleteOptions','apiVersion':'v1','preconditions':{'uid':'"
                + r.json().path("metadata").path("uid").asText() + "','resourceVersion':'" + r.rv() + "'}}"));
        assertThat(ok.code()).isEqualTo(200);
        assertThat(c.http().get(cms(ns) + "/p").code()).isEqualTo(404);
    }

    static ObjectNode deployment(String name) {
        return obj("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'" + name + "'},'spec':{'replicas':1,"
                + "'selector':{'matchLabels':{'app':'" + name + "'}},'template':{'metadata':{'labels':{'app':'" + name + "'}},"
                + "'spec':{'containers':[{'name':'a','image':'nginx'}]}}},'status':{'replicas':5}}");
    }

    static void builtInStatusSubresource(ClusterUnderTest c) {
        String ns = newNamespace(c);
        String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        Http.Resp r = created(c, path, deployment("d"));
        assertThat(r.json().path("status").path("replicas").isMissingNode()).as("status is not set through create: %s", r).isTrue();
        ObjectNode status = (ObjectNode) r.json().deepCopy();
        status.set("status", obj("{'replicas':3,'observedGeneration':1}"));
        Http.Resp s = c.http().put(path + "/d/status", status);
        assertThat(s.code()).as("%s", s).isEqualTo(200);
        ObjectNode main = (ObjectNode) s.json().deepCopy();
        ((ObjectNode) main.get("spec")).put("replicas", 2);
        main.set("status", obj("{'replicas':99}"));
        Http.Resp m = c.http().put(path + "/d", main);
        assertThat(m.code()).isEqualTo(200);
        assertThat(m.json().path("status").path("replicas").asInt()).as("main update keeps status").isEqualTo(3);
        assertThat(m.json().path("metadata").path("generation").asInt()).isEqualTo(2);
        ObjectNode noStatus = (ObjectNode) m.json().deepCopy();
        noStatus.remove("status");
        Http.Resp m2 = c.http().put(path + "/d", noStatus);
        assertThat(m2.json().path("status").path("replicas").asInt()).as("main update without status does not wipe it").isEqualTo(3);
    }

    static void ensureCrds(ClusterUnderTest c) {
        for (String[] crd : new String[][] {{"widgets", "Widget", "true"}, {"gadgets", "Gadget", "false"}}) {
            String body = "{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition','metadata':{'name':'" + crd[0]
                    + ".conf.tessera.io'},'spec':{'group':'conf.tessera.io','scope':'Namespaced','names':{'plural':'" + crd[0]
                    + "','singular':'" + crd[1].toLowerCase() + "','kind':'" + crd[1] + "'},'versions':[{'name':'v1','served':true,'storage':true,"
                    + ("true".equals(crd[2]) ? "'subresources':{'status':{}}," : "")
                    + "'schema':{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object','properties':{'size':{'type':'integer'},"
                    + "'items':{'type':'array','items':{'type':'object','properties':{'name':{'type':'string'}}}}}},"
                    + "'status':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}}}}]}}";
            Http.Resp r = c.http().post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", obj(body));
            assertThat(r.code()).as("%s", r).isIn(201, 409);
        }
    }

    static String widgets(String ns, String plural) {
        return "/apis/conf.tessera.io/v1/namespaces/" + ns + "/" + plural;
    }

    static ObjectNode widget(String kind, String name) {
        return obj("{'apiVersion':'conf.tessera.io/v1','kind':'" + kind + "','metadata':{'name':'" + name + "'},'spec':{'size':1},"
                + "'status':{'phase':'set-on-create'}}");
    }

    static void crdStatusSubresource(ClusterUnderTest c) {
        ensureCrds(c);
        String ns = newNamespace(c);
        Http.Resp w = created(c, widgets(ns, "widgets"), widget("Widget", "w"));
        assertThat(w.json().path("status").path("phase").isMissingNode()).as("status dropped on create: %s", w).isTrue();
        ObjectNode stale = (ObjectNode) w.json().deepCopy();
        ObjectNode update = stale.deepCopy();
        update.set("status", obj("{'phase':'Ready'}"));
        Http.Resp s = c.http().put(widgets(ns, "widgets") + "/w/status", update);
        assertThat(s.code()).isEqualTo(200);
        assertThat(s.json().path("status").path("phase").asText()).isEqualTo("Ready");
        stale.set("status", obj("{'phase':'Stale'}"));
        Http.Resp conflict = c.http().put(widgets(ns, "widgets") + "/w/status", stale);
        assertThat(conflict.code()).as("%s", conflict).isEqualTo(409);
        created(c, widgets(ns, "gadgets"), widget("Gadget", "g"));
        assertThat(c.http().get(widgets(ns, "gadgets") + "/g/status").code()).as("no status subresource declared").isEqualTo(404);
    }

    static void generation(ClusterUnderTest c) {
        ensureCrds(c);
        String ns = newNamespace(c);
        Http.Resp g = created(c, widgets(ns, "gadgets"), widget("Gadget", "g"));
        assertThat(g.json().path("metadata").path("generation").asInt()).isEqualTo(1);
        ObjectNode statusChange = (ObjectNode) g.json().deepCopy();
        statusChange.set("status", obj("{'phase':'Other'}"));
        Http.Resp g2 = c.http().put(widgets(ns, "gadgets") + "/g", statusChange);
        assertThat(g2.json().path("metadata").path("generation").asInt()).as("no status subresource: status is content").isEqualTo(2);
        Http.Resp w = created(c, widgets(ns, "widgets"), widget("Widget", "w"));
        ObjectNode status = (ObjectNode) w.json().deepCopy();
        status.set("status", obj("{'phase':'Ready'}"));
        Http.Resp w2 = c.http().put(widgets(ns, "widgets") + "/w/status", status);
        assertThat(w2.json().path("metadata").path("generation").asInt()).isEqualTo(1);
        ObjectNode spec = (ObjectNode) w2.json().deepCopy();
        ((ObjectNode) spec.get("spec")).put("size", 2);
        Http.Resp w3 = c.http().put(widgets(ns, "widgets") + "/w", spec);
        assertThat(w3.json().path("metadata").path("generation").asInt()).isEqualTo(2);
        ObjectNode labelled = (ObjectNode) w3.json().deepCopy();
        ((ObjectNode) labelled.get("metadata")).putObject("labels").put("x", "y");
        Http.Resp w4 = c.http().put(widgets(ns, "widgets") + "/w", labelled);
        assertThat(w4.json().path("metadata").path("generation").asInt()).as("metadata changes do not count").isEqualTo(2);
    }

    static void finalizers(ClusterUnderTest c) {
        String ns = newNamespace(c);
        ObjectNode cm = configMap("f", "");
        ((ObjectNode) cm.get("metadata")).putArray("finalizers").add("tessera.io/hold");
        created(c, cms(ns), cm);
        Http.Resp del = c.http().delete(cms(ns) + "/f", null);
        assertThat(del.code()).isIn(200, 202);
        Http.Resp held = c.http().get(cms(ns) + "/f");
        assertThat(held.code()).as("a finalizer holds the deletion").isEqualTo(200);
        assertThat(held.json().path("metadata").path("deletionTimestamp").isTextual()).isTrue();
        ObjectNode resurrect = (ObjectNode) held.json().deepCopy();
        ((ObjectNode) resurrect.get("metadata")).remove("deletionTimestamp");
        ((ObjectNode) resurrect.get("data")).put("c", "3");
        Http.Resp put = c.http().put(cms(ns) + "/f", resurrect);
        assertThat(put.code()).isEqualTo(200);
        assertThat(c.http().get(cms(ns) + "/f").json().path("metadata").path("deletionTimestamp").isTextual())
                .as("deletionTimestamp cannot be removed").isTrue();
        Http.Resp last = c.http().patch(cms(ns) + "/f", "application/json-patch+json",
                "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
        assertThat(last.code()).isEqualTo(200);
        assertThat(last.json().path("metadata").path("name").asText()).as("the write returns the object: %s", last).isEqualTo("f");
        assertThat(c.http().get(cms(ns) + "/f").code()).as("removing the last finalizer completes the deletion").isEqualTo(404);
    }

    static void watchReplay(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp a = created(c, cms(ns), configMap("w", ""));
        ObjectNode changed = (ObjectNode) a.json().deepCopy();
        ((ObjectNode) changed.get("data")).put("a", "x");
        assertThat(c.http().put(cms(ns) + "/w", changed).code()).isEqualTo(200);
        assertThat(c.http().delete(cms(ns) + "/w", null).code()).isEqualTo(200);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch ignored = c.client().configMaps().inNamespace(ns).withResourceVersion(a.rv()).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                seen.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            Awaitility.await().atMost(deadline()).until(() -> seen.size() >= 2);
            assertThat(seen).containsExactly("MODIFIED w", "DELETED w");
        }
    }

    static void watchGone(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp a = created(c, cms(ns), configMap("g", ""));
        for (int i = 0; i < 60; i++) {
            assertThat(c.http().patch(cms(ns) + "/g", "application/merge-patch+json", "{\"data\":{\"n\":\"" + i + "\"}}").code()).isEqualTo(200);
        }
        AtomicReference<WatcherException> closed = new AtomicReference<>();
        try (Watch ignored = c.client().configMaps().inNamespace(ns).withResourceVersion(a.rv()).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
            }

            @Override
            public void onClose(WatcherException cause) {
                closed.set(cause);
            }
        })) {
            Awaitility.await().atMost(deadline()).until(() -> closed.get() != null);
            assertThat(closed.get().isHttpGone()).as("410 Gone makes the client relist").isTrue();
        }
    }

    static void watchBookmarks(ClusterUnderTest c) {
        String ns = newNamespace(c);
        created(c, cms(ns), configMap("b", ""));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Stream<String> s = c.http().stream(cms(ns) + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
                + "&resourceVersionMatch=NotOlderThan", lines::add)) {
            Awaitility.await().atMost(deadline()).until(() -> lines.stream().anyMatch(l -> l.contains("initial-events-end")));
            assertThat(lines.get(0)).contains("\"ADDED\"").contains("\"b\"");
            int end = lines.size();
            Awaitility.await().atMost(deadline()).until(() -> lines.size() > end && lines.get(lines.size() - 1).contains("\"BOOKMARK\""));
        }
    }

    static void mergePatch(ClusterUnderTest c) {
        String ns = newNamespace(c);
        ObjectNode cm = configMap("m", "");
        ((ObjectNode) cm.get("metadata")).putArray("finalizers").add("x.io/a").add("x.io/b");
        created(c, cms(ns), cm);
        Http.Resp r = c.http().patch(cms(ns) + "/m", "application/merge-patch+json",
                "{\"data\":{\"a\":null,\"c\":\"3\"},\"metadata\":{\"finalizers\":[\"x.io/c\"]}}");
        assertThat(r.code()).isIn(200, 202);
        JsonNode now = c.http().get(cms(ns) + "/m").json();
        assertThat(now.path("data").has("a")).as("null deletes a key").isFalse();
        assertThat(now.path("data").path("b").asText()).isEqualTo("2");
        assertThat(now.path("data").path("c").asText()).isEqualTo("3");
        assertThat(now.path("metadata").path("finalizers").toString()).as("arrays are replaced").isEqualTo("[\"x.io/c\"]");
        c.http().patch(cms(ns) + "/m", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(c.http().get(cms(ns) + "/m").json().path("metadata").has("finalizers")).isFalse();
    }

    static void jsonPatchFailure(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp before = created(c, cms(ns), configMap("j", ""));
        Http.Resp r = c.http().patch(cms(ns) + "/j", "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"changed\"},{\"op\":\"test\",\"path\":\"/data/b\",\"value\":\"wrong\"}]");
        assertThat(r.code()).as("%s", r).isEqualTo(422);
        Http.Resp after = c.http().get(cms(ns) + "/j");
        assertThat(after.json().path("data").path("a").asText()).isEqualTo("1");
        assertThat(after.rv()).isEqualTo(before.rv());
    }

    static void strategicMergePatch(ClusterUnderTest c) {
        String ns = newNamespace(c);
        String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        created(c, path, deployment("s"));
        Http.Resp r = c.http().patch(path + "/s", "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"busybox\"}]}}}}");
        assertThat(r.code()).as("%s", r).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().path("spec").path("template").path("spec").path("containers").forEach(x -> names.add(x.path("name").asText()));
        assertThat(names).containsExactly("a", "b");
    }

    static void setBasedSelectors(ClusterUnderTest c) {
        String ns = newNamespace(c);
        created(c, cms(ns), configMap("ea", "'env':'a'"));
        created(c, cms(ns), configMap("eb", "'env':'b','tier':'web'"));
        created(c, cms(ns), configMap("ec", "'env':'c'"));
        created(c, cms(ns), configMap("none", ""));
        assertThat(c.http().get(cms(ns) + "?labelSelector=env+in+(a,b)").names()).containsExactly("ea", "eb");
        assertThat(c.http().get(cms(ns) + "?labelSelector=env+notin+(a)").names()).containsExactly("eb", "ec", "none");
        assertThat(c.http().get(cms(ns) + "?labelSelector=!env").names()).containsExactly("none");
        assertThat(c.http().get(cms(ns) + "?labelSelector=env").names()).containsExactly("ea", "eb", "ec");
        assertThat(c.http().get(cms(ns) + "?labelSelector=env+in+(a,b),tier!=web").names()).containsExactly("ea");
        assertThat(c.http().get(cms(ns) + "?labelSelector=env+in+(a").code()).isEqualTo(400);
    }

    static void setBasedSelectorWatch(ClusterUnderTest c) {
        String ns = newNamespace(c);
        List<String> lines = new CopyOnWriteArrayList<>();
        Http.Resp list = c.http().get(cms(ns));
        try (Stream<String> s = c.http().stream(cms(ns) + "?watch=1&resourceVersion=" + list.rv() + "&labelSelector=env+in+(a,b)", lines::add)) {
            created(c, cms(ns), configMap("wc", "'env':'c'"));
            created(c, cms(ns), configMap("wa", "'env':'a'"));
            Awaitility.await().atMost(deadline()).until(() -> !lines.isEmpty());
            assertThat(lines.get(0)).contains("\"ADDED\"").contains("\"wa\"");
            assertThat(String.join("\n", lines)).doesNotContain("\"wc\"");
            c.http().patch(cms(ns) + "/wa", "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"env\":\"z\"}}}");
            Awaitility.await().atMost(deadline()).until(() -> lines.size() >= 2);
            assertThat(lines.get(1)).as("leaving the selection is a DELETED event").contains("\"DELETED\"").contains("\"wa\"");
        }
    }

    static void fieldSelectors(ClusterUnderTest c) {
        String ns = newNamespace(c);
        String path = "/api/v1/namespaces/" + ns + "/secrets";
        created(c, path, obj("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s1'},'type':'Opaque','data':{}}"));
        created(c, path, obj("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s2'},'type':'kubernetes.io/tls',"
                + "'data':{'tls.crt':'','tls.key':''}}"));
        assertThat(c.http().get(path + "?fieldSelector=type%3Dkubernetes.io/tls").names()).containsExactly("s2");
        assertThat(c.http().get(path + "?fieldSelector=metadata.name!%3Ds1").names()).containsExactly("s2");
        assertThat(c.http().get(path + "?fieldSelector=type%3DOpaque,metadata.name%3Ds1").names()).containsExactly("s1");
    }

    static void paging(ClusterUnderTest c) {
        String ns = newNamespace(c);
        for (int i = 0; i < 5; i++) {
            created(c, cms(ns), configMap("p" + i, ""));
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Http.Resp page = c.http().get(cms(ns) + "?limit=2" + (token == null ? "" : "&continue=" + token));
            assertThat(page.code()).isEqualTo(200);
            assertThat(page.names().size()).isLessThanOrEqualTo(2);
            seen.addAll(page.names());
            token = page.json().path("metadata").path("continue").asText("");
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4");
        Http.Resp bad = c.http().get(cms(ns) + "?limit=2&continue=not-a-token");
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.json().path("kind").asText()).isEqualTo("Status");
    }

    static void discovery(ClusterUnderTest c) {
        Http.Resp v = c.http().get("/version");
        assertThat(v.json().path("major").asText()).isEqualTo("1");
        assertThat(v.json().path("minor").asText()).matches("[0-9]+");
        Http.Resp api = c.http().get("/api");
        assertThat(api.json().path("versions").toString()).contains("v1");
        Http.Resp core = c.http().get("/api/v1");
        assertThat(core.json().path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(core.text()).contains("\"configmaps\"");
        ensureCrds(c);
        Http.Resp groups = c.http().get("/apis");
        assertThat(groups.json().path("kind").asText()).isEqualTo("APIGroupList");
        assertThat(groups.text()).contains("\"apps\"").contains("\"conf.tessera.io\"");
        Http.Resp crdGroup = c.http().get("/apis/conf.tessera.io/v1");
        assertThat(crdGroup.json().path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(crdGroup.text()).contains("\"widgets\"").contains("\"widgets/status\"");
        assertThat(c.http().get("/apis/apps/v1").text()).contains("\"deployments/status\"");
    }

    static void openApiAndSchema(ClusterUnderTest c) {
        ensureCrds(c);
        Http.Resp root = c.http().get("/openapi/v3");
        assertThat(root.code()).isEqualTo(200);
        String url = root.json().path("paths").path("apis/conf.tessera.io/v1").path("serverRelativeURL").asText();
        assertThat(url).startsWith("/openapi/v3/apis/conf.tessera.io/v1");
        Http.Resp gv = c.http().get(url);
        assertThat(gv.text()).contains("fieldValidation").contains("x-kubernetes-group-version-kind");
        String ns = newNamespace(c);
        ObjectNode unknown = widget("Widget", "u");
        ((ObjectNode) unknown.get("spec")).put("colour", "red");
        Http.Resp strict = c.http().send("POST", widgets(ns, "widgets") + "?fieldValidation=Strict", "application/json", unknown);
        assertThat(strict.code()).as("%s", strict).isEqualTo(400);
        assertThat(strict.text()).contains("colour");
        Http.Resp pruned = created(c, widgets(ns, "widgets"), unknown);
        assertThat(pruned.json().path("spec").has("colour")).as("unknown fields are pruned").isFalse();
        assertThat(pruned.json().path("spec").path("size").asInt()).isEqualTo(1);
        ObjectNode typo = configMap("typo", "");
        typo.set("dat", obj("{'x':'y'}"));
        Http.Resp builtIn = c.http().send("POST", cms(ns) + "?fieldValidation=Strict", "application/json", typo);
        assertThat(builtIn.code()).as("%s", builtIn).isEqualTo(400);
        assertThat(builtIn.text()).contains("unknown field \\\"dat\\\"");
        Http.Resp dropped = created(c, cms(ns), typo);
        assertThat(dropped.json().has("dat")).as("built-in kinds drop unknown fields").isFalse();
    }

    static void labelAndTaintValidation(ClusterUnderTest c) {
        String ns = newNamespace(c);
        Http.Resp badKey = c.http().post(cms(ns), configMap("k", "'bad key!':'x'"));
        assertThat(badKey.code()).as("%s", badKey).isEqualTo(422);
        assertThat(badKey.json().path("reason").asText()).isEqualTo("Invalid");
        assertThat(badKey.json().path("message").asText()).contains("metadata.labels: Invalid value: \"bad key!\"");
        created(c, cms(ns), configMap("ok", "'example.com/team':'a.b_c-1','plain':''"));
        Http.Resp badValue = c.http().send("PATCH", cms(ns) + "/ok", "application/merge-patch+json", obj("{'metadata':{'labels':{'plain':'-x'}}}"));
        assertThat(badValue.code()).as("%s", badValue).isEqualTo(422);
        assertThat(c.http().get(cms(ns) + "/ok").json().path("metadata").path("labels").path("plain").asText()).as("nothing was changed").isEmpty();
        String node = "/api/v1/nodes/conf-" + UUID.randomUUID().toString().substring(0, 8);
        created(c, "/api/v1/nodes", obj("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + node.substring(14) + "'}}"));
        Http.Resp effect = c.http().send("PATCH", node, "application/merge-patch+json", obj("{'spec':{'taints':[{'key':'k','effect':'Sometimes'}]}}"));
        assertThat(effect.code()).as("%s", effect).isEqualTo(422);
        assertThat(effect.json().path("message").asText()).contains("spec.taints[0].effect: Unsupported value: \"Sometimes\"");
        Http.Resp noKey = c.http().send("PATCH", node, "application/merge-patch+json", obj("{'spec':{'taints':[{'effect':'NoSchedule'}]}}"));
        assertThat(noKey.json().path("message").asText()).as("%s", noKey).contains("spec.taints[0].key: Required value");
        Http.Resp ok = c.http().send("PATCH", node, "application/merge-patch+json", obj("{'spec':{'taints':[{'key':'k','value':'v','effect':'NoExecute'}]}}"));
        assertThat(ok.code()).as("%s", ok).isEqualTo(200);
    }
}
