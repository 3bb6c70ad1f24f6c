package io.tessera.extensions.alerting;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;

/**
 * The alerting extension: rule objects → Prometheus rules, Alertmanager objects → its
 * configuration, and the alert/silence API. Starts whether or not the backends answer.
 */
public final class AlertingExtension implements Extension {

    private Settings settings;

    @Override
    public void start(ExtensionContext context) {
        settings = new Settings(context);
        Rules rules = new Rules(context, settings);
        AlertmanagerConfigs am = new AlertmanagerConfigs(context, settings);
        context.kapis(Rules.GROUP, Rules.VERSION, new AlertingApplication(context, settings));
        context.controller(Rules.GROUP, Rules.VERSION, "clusterrulegroups", rules);
        context.controller(Rules.GROUP, Rules.VERSION, "rulegroups", rules);
        for (String kind : AlertmanagerConfigs.KINDS) {
            context.controller(AlertmanagerConfigs.GROUP, AlertmanagerConfigs.VERSION, kind, am);
        }
        AlertForwarder forwarder = new AlertForwarder(context, settings);
        settings.forwardWith(forwarder);
        // a changed configuration (other file, other mode) needs the files written again
        settings.onChange(() -> {
            try {
                settings.forwardWith(forwarder);
                rules.sync();
                am.sync();
            } catch (Exception e) {
                context.logger().warn("event=alerting.resync.failed error=\"{}\"", e.toString());
            }
        });
        context.logger().info("event=alerting.started version={}", context.version());
    }

    @Override
    public void stop() {
        if (settings != null) {
            settings.close();
        }
    }
}
