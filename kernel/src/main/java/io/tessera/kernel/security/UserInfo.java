package io.tessera.kernel.security;

import java.util.List;
import java.util.Map;

/** Who is calling, as Kubernetes names it: user name, uid, groups, and extra attributes. */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public static final String ANONYMOUS_NAME = "system:anonymous";
    public static final String UNAUTHENTICATED_GROUP = "system:unauthenticated";
    public static final String AUTHENTICATED_GROUP = "system:authenticated";

    public static final UserInfo ANONYMOUS =
            new UserInfo(ANONYMOUS_NAME, "", List.of(UNAUTHENTICATED_GROUP), Map.of());

    public UserInfo {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public boolean anonymous() {
        return ANONYMOUS_NAME.equals(name);
    }
}
