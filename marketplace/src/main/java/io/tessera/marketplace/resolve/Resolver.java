package io.tessera.marketplace.resolve;

import io.tessera.marketplace.index.IndexEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.semver4j.Semver;

/**
 * Dependency resolution for an install: a backtracking search over the candidate versions of each
 * extension in the closure, newest first, such that every range placed on an extension (semver4j
 * ranges such as {@code >=1.0.0 <2.0.0}) holds, every chosen version's {@code kernelVersion}
 * admits the running kernel, installed extensions keep their version (installing A never upgrades
 * B behind the admin's back) and the ranges installed extensions place on the chosen ones hold
 * too. The closure is small (a handful of extensions), so a plain depth-first search suffices.
 * The plan comes back in dependency order (dependencies first). When no assignment exists, the
 * message names both sides of the first conflict met, e.g.
 * {@code acme-a 1.2.0 needs acme-b >=2.0.0 but acme-c 1.0.0 needs acme-b <2.0.0}.
 */
public final class Resolver {

    /** Why a closure cannot be installed; the message names both sides of a conflict. */
    public static final class ResolutionException extends Exception {
        public ResolutionException(String message) {
            super(message);
        }
    }

    /** One step of a plan; {@code alreadyInstalled} steps need no InstallPlan change. */
    public record Step(IndexEntry entry, boolean alreadyInstalled) {
    }

    private final List<IndexEntry> catalog;
    private final Map<String, String> installed;
    private final Semver kernel;
    private final String kernelText;

    /**
     * @param catalog       every known package version
     * @param installed     extension name → installed (or already planned) version; these are kept
     * @param kernelVersion the running kernel's version (a -SNAPSHOT suffix counts as the release)
     */
    public Resolver(List<IndexEntry> catalog, Map<String, String> installed, String kernelVersion) {
        this.catalog = List.copyOf(catalog);
        this.installed = Map.copyOf(installed);
        this.kernelText = kernelVersion.replace("-SNAPSHOT", "");
        this.kernel = Semver.coerce(kernelText);
    }

    /** A requirement on an extension: who asks ("acme-a 1.2.0") and the range. */
    private record Need(String requester, String range) {
    }

    /** The search's state: the versions chosen so far. */
    private final class Search {
        final String root;
        String firstConflict;

        Search(String root) {
            this.root = root;
        }

        void conflict(String message) {
            if (firstConflict == null) {
                firstConflict = message;
            }
        }

        /** The ranges placed on {@code name} by chosen entries and by installed extensions that stay. */
        List<Need> needs(String name, Map<String, IndexEntry> chosen) {
            List<Need> out = new ArrayList<>();
            for (IndexEntry e : chosen.values()) {
                String r = e.dependenciesOrEmpty().get(name);
                if (r != null) {
                    out.add(new Need(label(e), r));
                }
            }
            for (Map.Entry<String, String> i : new TreeMap<>(installed).entrySet()) {
                if (i.getKey().equals(root) || chosen.containsKey(i.getKey())) {
                    continue;
                }
                entry(i.getKey(), i.getValue()).ifPresent(e -> {
                    String r = e.dependenciesOrEmpty().get(name);
                    if (r != null) {
                        out.add(new Need(label(e) + " (installed)", r));
                    }
                });
            }
            return out;
        }

        Map<String, IndexEntry> solve(Map<String, IndexEntry> chosen) {
            String next = null;
            for (IndexEntry e : chosen.values()) {
                for (String d : new TreeSet<>(e.dependenciesOrEmpty().keySet())) {
                    if (!chosen.containsKey(d)) {
                        next = d;
                        break;
                    }
                }
                if (next != null) {
                    break;
                }
            }
            if (next == null) {
                return chosen;
            }
            for (IndexEntry candidate : candidates(next, chosen)) {
                Map<String, IndexEntry> more = new LinkedHashMap<>(chosen);
                more.put(next, candidate);
                Map<String, IndexEntry> solved = solve(more);
                if (solved != null) {
                    return solved;
                }
            }
            return null;
        }

        /** The versions of {@code name} that fit everything chosen so far, newest first; records why none does. */
        List<IndexEntry> candidates(String name, Map<String, IndexEntry> chosen) {
            List<Need> needs = needs(name, chosen);
            String current = installed.get(name);
            List<IndexEntry> versions = versions(name);
            if (current != null) {
                // an installed extension keeps its version
                for (Need n : needs) {
                    if (!satisfies(current, n.range())) {
                        conflict(n.requester() + " needs " + name + " " + n.range() + " but " + name + " " + current
                                + " is installed; upgrade or uninstall " + name + " first");
                        return List.of();
                    }
                }
                Optional<IndexEntry> same = entry(name, current);
                return List.of(same.orElse(new IndexEntry(name, current, null, 0, null, null, null, null, null, null, null, null, null,
                        Map.of(), null, null, null)));
            }
            if (versions.isEmpty()) {
                conflict(needs.get(0).requester() + " needs " + name + " " + needs.get(0).range()
                        + ", which no configured repository has");
                return List.of();
            }
            List<IndexEntry> out = new ArrayList<>();
            List<String> kernelRefusals = new ArrayList<>();
            for (IndexEntry v : versions) {
                if (!needs.stream().allMatch(n -> satisfies(v.version(), n.range()))) {
                    continue;
                }
                if (!kernelFits(v)) {
                    kernelRefusals.add(label(v) + " needs kernel " + v.kernelVersion());
                    continue;
                }
                // its own dependencies must admit what is already chosen
                String clash = null;
                for (Map.Entry<String, String> d : new TreeMap<>(v.dependenciesOrEmpty()).entrySet()) {
                    IndexEntry c = chosen.get(d.getKey());
                    if (c != null && !satisfies(c.version(), d.getValue())) {
                        List<Need> on = needs(d.getKey(), chosen);
                        Need why = on.stream().filter(n -> versions(d.getKey()).stream().noneMatch(x ->
                                        satisfies(x.version(), n.range()) && satisfies(x.version(), d.getValue()))).findFirst()
                                .orElse(on.isEmpty() ? new Need(label(c) + " (chosen)", "=" + c.version()) : on.get(0));
                        clash = why.requester() + " needs " + d.getKey() + " " + why.range() + " but " + label(v) + " needs "
                                + d.getKey() + " " + d.getValue();
                        break;
                    }
                }
                if (clash != null) {
                    conflict(clash);
                    continue;
                }
                out.add(v);
            }
            if (out.isEmpty() && !kernelRefusals.isEmpty()) {
                conflict(needs.get(0).requester() + " needs " + name + " " + needs.get(0).range() + " but this kernel is "
                        + kernelText + " and " + String.join(", ", kernelRefusals));
            } else if (out.isEmpty() && needs.size() > 1 && firstConflict == null) {
                conflict(pairConflict(name, needs));
            } else if (out.isEmpty() && firstConflict == null) {
                conflict(needs.get(0).requester() + " needs " + name + " " + needs.get(0).range() + " but the repositories have "
                        + name + " " + versions.stream().map(IndexEntry::version).toList());
            }
            return out;
        }

        /** Two requesters whose ranges no single version satisfies, else the first unsatisfiable one. */
        String pairConflict(String name, List<Need> needs) {
            List<IndexEntry> versions = versions(name);
            for (int i = 0; i < needs.size(); i++) {
                for (int j = i + 1; j < needs.size(); j++) {
                    Need a = needs.get(i);
                    Need b = needs.get(j);
                    if (versions.stream().noneMatch(v -> satisfies(v.version(), a.range()) && satisfies(v.version(), b.range()))) {
                        return a.requester() + " needs " + name + " " + a.range() + " but " + b.requester() + " needs " + name + " "
                                + b.range();
                    }
                }
            }
            return needs.get(0).requester() + " needs " + name + " " + needs.get(0).range() + " but no version of " + name
                    + " fits every range (" + needs.stream().map(n -> n.requester() + ": " + n.range()).toList() + ")";
        }

    }

    /**
     * The plan for {@code name} at {@code versionOrNull} (null: the newest that fits), dependencies
     * first and the extension itself last.
     */
    public List<Step> resolve(String name, String versionOrNull) throws ResolutionException {
        List<IndexEntry> roots = versions(name).stream().filter(e -> versionOrNull == null || e.version().equals(versionOrNull)).toList();
        if (roots.isEmpty()) {
            throw new ResolutionException(versionOrNull == null ? "no configured repository has " + name
                    : "no configured repository has " + name + " " + versionOrNull);
        }
        Search search = new Search(name);
        List<String> kernelRefusals = new ArrayList<>();
        for (IndexEntry root : roots) {
            if (!kernelFits(root)) {
                kernelRefusals.add(label(root) + " needs kernel " + root.kernelVersion());
                continue;
            }
            // installed extensions' ranges on the root itself (an upgrade of B must still fit A)
            String clash = null;
            for (Need n : search.needs(name, Map.of())) {
                if (!satisfies(root.version(), n.range())) {
                    clash = n.requester() + " needs " + name + " " + n.range() + " but " + label(root) + " was requested";
                    break;
                }
            }
            if (clash != null) {
                search.conflict(clash);
                continue;
            }
            Map<String, IndexEntry> start = new LinkedHashMap<>();
            start.put(name, root);
            Map<String, IndexEntry> solved = search.solve(start);
            if (solved != null) {
                List<Step> steps = new ArrayList<>();
                for (String n : order(name, solved)) {
                    IndexEntry e = solved.get(n);
                    steps.add(new Step(e, !n.equals(name) && e.version().equals(installed.get(n))));
                }
                return steps;
            }
        }
        if (search.firstConflict != null) {
            throw new ResolutionException(search.firstConflict);
        }
        throw new ResolutionException("this kernel is " + kernelText + " and " + String.join(", ", kernelRefusals));
    }

    /** Dependencies first (depth-first post-order over sorted names); a cycle is refused. */
    private static List<String> order(String root, Map<String, IndexEntry> chosen) throws ResolutionException {
        List<String> out = new ArrayList<>();
        visit(root, chosen, out, new ArrayList<>());
        return out;
    }

    private static void visit(String name, Map<String, IndexEntry> chosen, List<String> out, List<String> path)
            throws ResolutionException {
        if (path.contains(name)) {
            throw new ResolutionException("dependency cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        if (out.contains(name) || !chosen.containsKey(name)) {
            return;
        }
        path.add(name);
        for (String d : new TreeSet<>(chosen.get(name).dependenciesOrEmpty().keySet())) {
            visit(d, chosen, out, path);
        }
        path.remove(path.size() - 1);
        out.add(name);
    }

    private List<IndexEntry> versions(String name) {
        return catalog.stream().filter(e -> e.name().equals(name) && Semver.parse(e.version()) != null)
                .sorted(Comparator.comparing((IndexEntry e) -> Semver.parse(e.version())).reversed()).toList();
    }

    private Optional<IndexEntry> entry(String name, String version) {
        return catalog.stream().filter(e -> e.name().equals(name) && e.version().equals(version)).findFirst();
    }

    private boolean kernelFits(IndexEntry e) {
        return e.kernelVersion() == null || e.kernelVersion().isBlank() || kernel.satisfies(e.kernelVersion());
    }

    private static String label(IndexEntry e) {
        return e.name() + " " + e.version();
    }

    /** True when {@code version} is inside {@code range} ({@code *} and blank admit everything). */
    public static boolean satisfies(String version, String range) {
        if (range == null || range.isBlank() || "*".equals(range.trim())) {
            return true;
        }
        Semver v = Semver.parse(version);
        return v != null && v.satisfies(range);
    }

    /**
     * Installed extensions whose dependencies name {@code name}: an uninstall of {@code name} is
     * refused while this is non-empty, unless forced.
     */
    public static List<String> dependents(String name, Map<String, IndexEntry> installedEntries) {
        return installedEntries.values().stream().filter(e -> e.dependenciesOrEmpty().containsKey(name)).map(IndexEntry::name)
                .sorted().toList();
    }
}
