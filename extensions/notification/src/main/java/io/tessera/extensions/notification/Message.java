package io.tessera.extensions.notification;

import java.util.List;
import java.util.Map;

/**
 * One thing to notify about, after parsing: an Alertmanager group, a platform event or a test.
 * {@code namespace} (may be null) decides which tenants' receivers get it.
 */
record Message(String source, String status, String severity, String namespace, String title,
        Map<String, String> labels, Map<String, String> annotations, List<Map<String, Object>> alerts) {
}
