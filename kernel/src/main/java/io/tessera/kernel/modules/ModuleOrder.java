package io.tessera.kernel.modules;

import io.tessera.kernel.spi.KernelModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders modules so that each starts after what it depends on; ties keep the order in which the
 * modules were found. A cycle or a missing dependency is refused with the names involved.
 */
public final class ModuleOrder {

    private ModuleOrder() {
    }

    public static List<KernelModule> sort(List<KernelModule> modules) {
        Map<String, KernelModule> byName = new LinkedHashMap<>();
        for (KernelModule module : modules) {
            String name = module.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("kernel module " + module.getClass().getName() + " has no name");
            }
            if (byName.putIfAbsent(name, module) != null) {
                throw new IllegalArgumentException("two kernel modules are named " + name);
            }
        }
        for (KernelModule module : modules) {
            for (String dependency : module.dependsOn()) {
                if (!byName.containsKey(dependency)) {
                    throw new IllegalArgumentException("kernel module " + module.name() + " depends on "
                            + dependency + ", which is not present");
                }
            }
        }
        List<KernelModule> sorted = new ArrayList<>();
        Map<String, Mark> marks = new HashMap<>();
        for (KernelModule module : byName.values()) {
            visit(module, byName, marks, new ArrayList<>(), sorted);
        }
        return sorted;
    }

    private enum Mark { VISITING, DONE }

    private static void visit(KernelModule module, Map<String, KernelModule> byName, Map<String, Mark> marks,
            List<String> path, List<KernelModule> sorted) {
        Mark mark = marks.get(module.name());
        if (mark == Mark.DONE) {
            return;
        }
        path.add(module.name());
        if (mark == Mark.VISITING) {
            List<String> cycle = path.subList(path.indexOf(module.name()), path.size());
            throw new IllegalArgumentException("kernel module dependency cycle: " + String.join(" -> ", cycle));
        }
        marks.put(module.name(), Mark.VISITING);
        for (String dependency : module.dependsOn()) {
            visit(byName.get(dependency), byName, marks, path, sorted);
        }
        marks.put(module.name(), Mark.DONE);
        path.remove(path.size() - 1);
        sorted.add(module);
    }
}
