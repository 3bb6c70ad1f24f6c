package io.tessera.kernel.security;

import io.tessera.kernel.routing.RequestInfo;

/** Decides whether a user may perform a request, from caches only (no API call per request). */
public interface Authorizer {

    Decision authorize(UserInfo user, RequestInfo request);

    /** The verdict and, on deny, a reason that names what was missing. */
    record Decision(boolean allowed, String reason) {
        public static Decision allow() {
            return new Decision(true, "");
        }

        public static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }
}
