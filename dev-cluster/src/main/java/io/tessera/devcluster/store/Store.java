package io.tessera.devcluster.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.devcluster.api.LabelSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * All objects, indexed by resource → "namespace/name" (sorted, for paging) and by label, with one global
 * resourceVersion counter. Reads are lock-free; writes run one at a time inside {@link #write}, which
 * logs each change and returns only after the log is fsynced.
 */
public final class Store implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Store.class);

    /** A stored object: its serialised JSON (resourceVersion embedded) and its labels for selection. */
    public record Obj(String resource, String namespace, String name, long rv, byte[] json, Map<String, String> labels) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    /** A change, as watchers see it. {@code oldObj} is null for ADDED; for DELETED {@code newObj} is the final state. */
    public record Event(String type, long rv, String resource, Obj oldObj, Obj newObj) {
    }

    /** Thrown when a watch asks for changes older than the retained history (the client must relist). */
    public static final class GoneException extends RuntimeException {
        public GoneException(long requested, long oldest) {
            super("too old resource version: " + requested + " (" + oldest + ")");
        }
    }

    /** A registered watch; events reach its sink in resourceVersion order, under the write lock. */
    public final class Registration implements AutoCloseable {
        private final String resource;
        private final Consumer<Event> sink;

        private Registration(String resource, Consumer<Event> sink) {
            this.resource = resource;
            this.sink = sink;
        }

        /** Sends a BOOKMARK carrying the current resourceVersion (every earlier event has been delivered). */
        public void bookmark() {
            lock.lock();
            try {
                sink.accept(new Event("BOOKMARK", rv, resource, null, null));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            List<Registration> list = watchers.get(resource);
            if (list != null) {
                list.remove(this);
            }
        }
    }


    private final ObjectMapper mapper;
    private final Map<String, ConcurrentSkipListMap<String, Obj>> objects = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Set<String>>>> labelIndex = new ConcurrentHashMap<>();
    private final Map<String, List<Registration>> watchers = new ConcurrentHashMap<>();
    private final ArrayDeque<Event> history = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final StoreLog log;
    private volatile long rv;
    /** Watches from a resourceVersion below this cannot be served from history. */
    private long compactedRv;
    private StoreLog.Ticket pending;
    private long compactEvery = 100_000;
    private int historySize = 20_000;

    private Store(ObjectMapper mapper, Path dir) throws IOException {
        this.mapper = mapper;
        long[] highest = new long[1];
        this.log = StoreLog.open(dir, this::replay, highest);
        this.rv = highest[0];
        this.compactedRv = rv;
    }

    public static Store open(ObjectMapper mapper, Path storeDir) throws IOException {
        DataDirFormat.prepare(storeDir);
        Store s = new Store(mapper, storeDir);
        if (s.log.recordsSinceSnapshot() > Math.max(10_000, s.count())) {
            s.lock.lock();
            try {
                s.compact(); // a long log makes every later start slow
            } finally {
                s.lock.unlock();
            }
        }
        return s;
    }

    private void replay(StoreLog.Record r) {
        if (r.op() == StoreLog.OP_PUT) {
            index(new Obj(r.resource(), r.namespace(), r.name(), r.rv(), r.json(), labelsOf(r.json())));
        } else {
            Obj old = map(r.resource()).remove(r.namespace() + "/" + r.name());
            if (old != null) {
                unindex(old);
            }
        }
    }

    public long resourceVersion() {
        return rv;
    }

    public void setCompactEvery(long records) {
        this.compactEvery = records;
    }

    /** How many recent changes are kept for watches that resume from a resourceVersion. */
    public void setHistorySize(int events) {
        this.historySize = events;
    }

    public int count() {
        int n = 0;
        for (Map<String, Obj> m : objects.values()) {
            n += m.size();
        }
        return n;
    }

    private ConcurrentSkipListMap<String, Obj> map(String resource) {
        return objects.computeIfAbsent(resource, k -> new ConcurrentSkipListMap<>());
    }

    public Obj get(String resource, String namespace, String name) {
        Map<String, Obj> m = objects.get(resource);
        return m == null ? null : m.get(namespace + "/" + name);
    }

    public ObjectNode parse(Obj o) {
        try {
            return (ObjectNode) mapper.readTree(o.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Objects of a resource in key order, after {@code afterKey} (exclusive, null = from the start),
     * in {@code namespace} (null = all), matching {@code selector}. An equality or set requirement is
     * answered from the label index instead of a scan.
     */
    public Iterator<Obj> list(String resource, String namespace, LabelSelector selector, String afterKey) {
        ConcurrentSkipListMap<String, Obj> m = objects.get(resource);
        if (m == null) {
            return Collections.emptyIterator();
        }
        Set<String> candidates = candidates(resource, selector);
        Iterator<Obj> base;
        if (candidates != null) {
            TreeSet<String> keys = new TreeSet<>();
            String prefix = namespace == null ? null : namespace + "/";
            for (String k : candidates) {
                if ((prefix == null || k.startsWith(prefix)) && (afterKey == null || k.compareTo(afterKey) > 0)) {
                    keys.add(k);
                }
            }
            List<Obj> found = new ArrayList<>(keys.size());
            for (String k : keys) {
                Obj o = m.get(k);
                if (o != null) {
                    found.add(o);
                }
            }
            base = found.iterator();
        } else {
            NavigableMap<String, Obj> range = m;
            if (namespace != null) {
                range = range.subMap(namespace + "/", true, namespace + "/\uffff", false);
            }
            if (afterKey != null) {
                range = range.tailMap(afterKey, false);
            }
            base = range.values().iterator();
        }
        if (selector.isEmpty()) {
            return base;
        }
        return new Iterator<>() {
            Obj next = advance();

            private Obj advance() {
                while (base.hasNext()) {
                    Obj o = base.next();
                    if (selector.matches(o.labels())) {
                        return o;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Obj next() {
                Obj o = next;
                next = advance();
                return o;
            }
        };
    }

    private Set<String> candidates(String resource, LabelSelector selector) {
        Map<String, Map<String, Set<String>>> byKey = labelIndex.get(resource);
        for (LabelSelector.Requirement r : selector.requirements()) {
            if (r.op() == LabelSelector.Op.EQUALS || r.op() == LabelSelector.Op.IN) {
                Map<String, Set<String>> byValue = byKey == null ? null : byKey.get(r.key());
                if (byValue == null) {
                    return Set.of();
                }
                if (r.values().size() == 1) {
                    return byValue.getOrDefault(r.values().iterator().next(), Set.of());
                }
                Set<String> union = new java.util.HashSet<>();
                for (String v : r.values()) {
                    union.addAll(byValue.getOrDefault(v, Set.of()));
                }
                return union;
            }
        }
        return null;
    }

    /**
     * Runs {@code body} as one atomic change: no other write interleaves, and this returns only after
     * every change it made is durable.
     */
    public <T> T write(Supplier<T> body) {
        StoreLog.Ticket ticket;
        T result;
        lock.lock();
        try {
            pending = null;
            result = body.get();
            ticket = pending;
            if (log.recordsSinceSnapshot() >= compactEvery && log.recordsSinceSnapshot() > count()) {
                compact();
                ticket = null; // the snapshot is fsynced and holds every change
            }
        } finally {
            lock.unlock();
        }
        if (ticket != null) {
            log.sync(ticket);
        }
        return result;
    }

    public boolean isWriting() {
        return lock.isHeldByCurrentThread();
    }

    /** Stores {@code object} under the next resourceVersion (which it writes into the object). Inside {@link #write}. */
    public Obj put(String resource, String namespace, String name, ObjectNode object) {
        requireLock();
        long next = rv + 1;
        ((ObjectNode) object.with("metadata")).put("resourceVersion", Long.toString(next));
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Obj o = new Obj(resource, namespace, name, next, json, labelsOf(object));
        pending = log.append(new StoreLog.Record(StoreLog.OP_PUT, next, resource, namespace, name, json));
        rv = next;
        Obj old = index(o);
        publish(new Event(old == null ? "ADDED" : "MODIFIED", next, resource, old, o));
        return o;
    }

    /** Removes an object; the deletion takes a resourceVersion of its own. Inside {@link #write}. */
    public Obj delete(String resource, String namespace, String name) {
        requireLock();
        Obj old = get(resource, namespace, name);
        if (old == null) {
            return null;
        }
        long next = rv + 1;
        ObjectNode last = parse(old);
        ((ObjectNode) last.with("metadata")).put("resourceVersion", Long.toString(next));
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pending = log.append(new StoreLog.Record(StoreLog.OP_DELETE, next, resource, namespace, name, null));
        rv = next;
        map(resource).remove(old.key());
        unindex(old);
        Obj gone = new Obj(resource, namespace, name, next, json, old.labels());
        publish(new Event("DELETED", next, resource, old, gone));
        return gone;
    }

    private void requireLock() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("store changes must run inside Store.write");
        }
    }

    private Obj index(Obj o) {
        Obj old = map(o.resource()).put(o.key(), o);
        if (old != null) {
            unindex(old);
        }
        if (!o.labels().isEmpty()) {
            Map<String, Map<String, Set<String>>> byKey = labelIndex.computeIfAbsent(o.resource(), k -> new ConcurrentHashMap<>());
            for (Map.Entry<String, String> l : o.labels().entrySet()) {
                byKey.computeIfAbsent(l.getKey(), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(l.getValue(), k -> ConcurrentHashMap.newKeySet()).add(o.key());
            }
        }
        return old;
    }

    private void unindex(Obj o) {
        Map<String, Map<String, Set<String>>> byKey = labelIndex.get(o.resource());
        if (byKey == null) {
            return;
        }
        for (Map.Entry<String, String> l : o.labels().entrySet()) {
            Map<String, Set<String>> byValue = byKey.get(l.getKey());
            if (byValue != null) {
                Set<String> keys = byValue.get(l.getValue());
                if (keys != null) {
                    keys.remove(o.key());
                    if (keys.isEmpty()) {
                        byValue.remove(l.getValue());
                    }
                }
            }
        }
    }

    private Map<String, String> labelsOf(byte[] json) {
        try {
            return labelsOf(mapper.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> labelsOf(JsonNode object) {
        JsonNode labels = object.path("metadata").path("labels");
        if (!labels.isObject() || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        labels.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return Map.copyOf(out);
    }

    private void publish(Event e) {
        history.addLast(e);
        while (history.size() > historySize) {
            compactedRv = history.removeFirst().rv();
        }
        List<Registration> list = watchers.get(e.resource());
        if (list != null) {
            for (Registration r : list) {
                r.sink.accept(e);
            }
        }
    }

    /**
     * Registers a watch. With {@code fromRv} null, every current object is sent as ADDED first; otherwise
     * the changes after {@code fromRv} are replayed from history.
     *
     * @throws GoneException when those changes are no longer retained
     */
    public Registration watch(String resource, Long fromRv, Consumer<Event> sink) {
        lock.lock();
        try {
            if (fromRv == null) {
                Map<String, Obj> m = objects.get(resource);
                if (m != null) {
                    for (Obj o : m.values()) {
                        sink.accept(new Event("ADDED", o.rv(), resource, null, o));
                    }
                }
            } else {
                if (fromRv < compactedRv) {
                    throw new GoneException(fromRv, compactedRv);
                }
                for (Event e : history) {
                    if (e.rv() > fromRv && e.resource().equals(resource)) {
                        sink.accept(e);
                    }
                }
            }
            Registration r = new Registration(resource, sink);
            watchers.computeIfAbsent(resource, k -> new CopyOnWriteArrayList<>()).add(r);
            return r;
        } finally {
            lock.unlock();
        }
    }

    private void compact() {
        List<StoreLog.Record> all = new ArrayList<>(count());
        for (ConcurrentSkipListMap<String, Obj> m : objects.values()) {
            for (Obj o : m.values()) {
                all.add(new StoreLog.Record(StoreLog.OP_PUT, o.rv(), o.resource(), o.namespace(), o.name(), o.json()));
            }
        }
        try {
            long started = System.nanoTime();
            log.compact(rv, all.size(), all.iterator());
            LOG.info("event=store.compacted objects={} rv={} ms={}", all.size(), rv, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot", e);
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            log.close();
        } finally {
            lock.unlock();
        }
    }
}
