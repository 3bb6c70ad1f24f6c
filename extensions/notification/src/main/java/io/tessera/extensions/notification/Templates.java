package io.tessera.extensions.notification;

import java.util.Map;
import java.util.TreeMap;

/** Subject and body of a notification in English or Chinese (the receiver's {@code language}). */
final class Templates {

    private Templates() {
    }

    static String subject(Message m, String language) {
        boolean zh = "zh".equals(language);
        String state = switch (m.status()) {
            case "resolved" -> zh ? "已恢复" : "RESOLVED";
            case "test" -> zh ? "测试" : "TEST";
            default -> zh ? "告警" : "FIRING";
        };
        return "[" + state + "] " + m.title() + (m.severity() == null ? "" : " (" + severity(m.severity(), zh) + ")");
    }

    static String body(Message m, String language) {
        boolean zh = "zh".equals(language);
        StringBuilder b = new StringBuilder();
        if (m.status().equals("test")) {
            b.append(zh ? "这是一条来自 Tessera 的测试通知。" : "This is a test notification from Tessera.").append('\n');
            return b.toString();
        }
        if (m.alerts().isEmpty()) {
            b.append(m.annotations().getOrDefault("message", "")).append('\n');
        }
        int i = 1;
        for (Map<String, Object> a : m.alerts()) {
            Map<?, ?> labels = a.get("labels") instanceof Map<?, ?> l ? l : Map.of();
            Map<?, ?> ann = a.get("annotations") instanceof Map<?, ?> l ? l : Map.of();
            b.append(i++).append(". ").append(labels.get("alertname"));
            if (ann.get("summary") != null) {
                b.append(": ").append(ann.get("summary"));
            }
            b.append('\n');
            if (ann.get("message") != null) {
                b.append("   ").append(ann.get("message")).append('\n');
            }
            b.append("   ").append(zh ? "标签" : "Labels").append(": ").append(new TreeMap<>(labels)).append('\n');
            b.append("   ").append(zh ? "开始时间" : "Started").append(": ").append(a.get("startsAt")).append('\n');
        }
        if (m.namespace() != null) {
            b.append(zh ? "项目" : "Project").append(": ").append(m.namespace()).append('\n');
        }
        return b.toString();
    }

    private static String severity(String s, boolean zh) {
        if (!zh) {
            return s;
        }
        return switch (s) {
            case "critical" -> "危险";
            case "error" -> "重要";
            case "warning" -> "警告";
            case "info" -> "提示";
            default -> s;
        };
    }
}
