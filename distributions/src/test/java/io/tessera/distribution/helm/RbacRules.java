package io.tessera.distribution.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/**
 * Kubernetes RBAC's rule matching (the API server's {@code RuleAllows}): a verb, an API group and a
 * resource, where a resource may be {@code res/subresource}; {@code *} matches anything and
 * {@code * /sub} any resource's {@code sub}. Used to check recorded calls against the chart's rules.
 */
final class RbacRules {

    /**
     * Non-resource paths every authenticated identity may read on a Kubernetes cluster by default
     * (ClusterRoles system:discovery and system:public-info-viewer), so the chart needs no rule for them.
     */
    private static final List<String> DEFAULT_NON_RESOURCE = List.of("/api", "/api/*", "/apis", "/apis/*", "/version",
            "/version/", "/healthz", "/livez", "/readyz", "/openapi", "/openapi/*");

    private RbacRules() {
    }

    /** @param call {@code verb group resource} (group {@code core} for ""), or {@code verb nonResourceURL path} */
    static boolean allows(List<PolicyRule> rules, String call) {
        String[] c = call.split(" ");
        String verb = c[0];
        if (c[1].equals("nonResourceURL")) {
            return verb.equals("get") && DEFAULT_NON_RESOURCE.stream().anyMatch(p -> pathMatches(p, c[2]))
                    || rules.stream().anyMatch(r -> verbMatches(r, verb) && r.getNonResourceURLs() != null
                            && r.getNonResourceURLs().stream().anyMatch(p -> pathMatches(p, c[2])));
        }
        String group = c[1].equals("core") ? "" : c[1];
        String resource = c[2];
        return rules.stream().anyMatch(r -> verbMatches(r, verb) && r.getApiGroups() != null
                && (r.getApiGroups().contains("*") || r.getApiGroups().contains(group))
                && resourceMatches(r.getResources(), resource));
    }

    private static boolean verbMatches(PolicyRule r, String verb) {
        return r.getVerbs() != null && (r.getVerbs().contains("*") || r.getVerbs().contains(verb));
    }

    private static boolean resourceMatches(List<String> ruleResources, String combined) {
        if (ruleResources == null) {
            return false;
        }
        int slash = combined.indexOf('/');
        String sub = slash < 0 ? null : combined.substring(slash + 1);
        for (String rr : ruleResources) {
            if (rr.equals("*") || rr.equals(combined) || (sub != null && rr.equals("*/" + sub))) {
                return true;
            }
        }
        return false;
    }

    private static boolean pathMatches(String pattern, String path) {
        return pattern.equals(path) || pattern.endsWith("*") && path.startsWith(pattern.substring(0, pattern.length() - 1));
    }
}
