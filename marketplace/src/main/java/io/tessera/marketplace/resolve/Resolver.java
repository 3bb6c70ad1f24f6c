package io.tessera.marketplace.resolve;

import io.tessera.marketplace.index.IndexEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.semver4j.Semver;

/**
 * Dependency resolution for an install: picks, for the requested extension and each dependency
 * it pulls in, the newest version satisfying every range placed on it (semver4j ranges such as
 * {@code >=1.0.0 <2.0.0}) and the running kernel's version, keeps installed extensions that
 * already satisfy their ranges, and returns the plan in dependency order (dependencies first).
 * A range no candidate satisfies is a conflict; its message names who asked for what and what
 * exists or is installed.
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

    /**
     * @param catalog   every known package version
     * @param installed extension name → installed version
     * @param kernelVersion the running kernel's version (a -SNAPSHOT suffix counts as the release)
     */
    public Resolver(List<IndexEntry> catalog, Map<String, String> installed, String kernelVersion) {
        this.catalog = catalog;
        this.installed = installed;
        this.kernel = Semver.coerce(kernelVersion.replace("-SNAPSHOT", ""));
    }

    public List<Step> resolve(String name, String versionOrNull) throws ResolutionException {
        // requirements: name -> (who -> range)
        Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
        Map<String, IndexEntry> chosen = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        visit(name, versionOrNull == null ? "*" : "=" + versionOrNull, "the request", wanted, chosen, order, new ArrayList<>());
        List<Step> steps = new ArrayList<>();
        for (String n : order) {
            IndexEntry e = chosen.get(n);
            steps.add(new Step(e, e.version().equals(installed.get(n))));
        }
        return steps;
    }

    private void visit(String name, String range, String requester, Map<String, Map<String, String>> wanted,
            Map<String, IndexEntry> chosen, List<String> order, List<String> path) throws ResolutionException {
        if (path.contains(name)) {
            throw new ResolutionException("dependency cycle: " + String.join(" -> ", path) + " -> " + name);
        }
        wanted.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(requester, range);
        IndexEntry already = chosen.get(name);
        if (already != null) {
            if (!satisfies(already.version(), range)) {
                throw new ResolutionException(requester + " requires " + name + " " + range + ", but "
                        + describe(wanted.get(name), requester) + " selected " + name + " " + already.version());
            }
            return;
        }
        IndexEntry pick = pick(name, wanted.get(name), requester);
        chosen.put(name, pick);
        path.add(name);
        // sorted, so the same catalog always gives the same plan and the same conflict message
        for (Map.Entry<String, String> d : new java.util.TreeMap<>(pick.dependenciesOrEmpty()).entrySet()) {
            visit(d.getKey(), d.getValue(), pick.id(), wanted, chosen, order, path);
        }
        path.remove(path.size() - 1);
        order.add(name);
    }

    private IndexEntry pick(String name, Map<String, String> ranges, String requester) throws ResolutionException {
        String current = installed.get(name);
        List<IndexEntry> versions = catalog.stream().filter(e -> e.name().equals(name)).toList();
        if (versions.isEmpty() && current == null) {
            throw new ResolutionException(requester + " requires " + name + " " + ranges.get(requester)
                    + ", which no configured repository has");
        }
        // an installed version that satisfies every range stays: installing A must not upgrade B behind the admin's back
        if (current != null && ranges.values().stream().allMatch(r -> satisfies(current, r))) {
            Optional<IndexEntry> same = versions.stream().filter(e -> e.version().equals(current)).findFirst();
            if (same.isPresent()) {
                return same.get();
            }
        }
        if (current != null && !"the request".equals(requester) && ranges.values().stream().noneMatch(r -> satisfies(current, r))) {
            throw new ResolutionException(requester + " requires " + name + " " + ranges.get(requester) + ", but " + name + " "
                    + current + " is installed; upgrade or uninstall " + name + " first");
        }
        List<IndexEntry> fitting = versions.stream()
                .filter(e -> ranges.values().stream().allMatch(r -> satisfies(e.version(), r)))
                .sorted(Comparator.comparing((IndexEntry e) -> new Semver(e.version())).reversed()).toList();
        if (fitting.isEmpty()) {
            throw new ResolutionException(requester + " requires " + name + " " + ranges.get(requester)
                    + (ranges.size() > 1 ? " (also required: " + describe(ranges, requester) + ")" : "")
                    + ", but the repositories have " + name + " " + versions.stream().map(IndexEntry::version).toList());
        }
        List<String> kernelRefusals = new ArrayList<>();
        for (IndexEntry e : fitting) {
            if (e.kernelVersion() == null || kernel.satisfies(e.kernelVersion())) {
                return e;
            }
            kernelRefusals.add(e.id() + " needs kernel " + e.kernelVersion());
        }
        throw new ResolutionException(requester + " requires " + name + " " + ranges.get(requester) + ", but this kernel is "
                + kernel + " and " + String.join(", ", kernelRefusals));
    }

    private static String describe(Map<String, String> ranges, String except) {
        Map<String, String> others = new HashMap<>(ranges);
        others.remove(except);
        return others.isEmpty() ? "nothing else" : others.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .sorted().reduce((a, b) -> a + ", " + b).orElse("");
    }

    static boolean satisfies(String version, String range) {
        if ("*".equals(range)) {
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
