package io.tessera.extensions.alerting;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;
import java.util.List;

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
            settings.forwardWith(forwarder);
            for (var sync : List.<java.util.concurrent.Callable<?>>of(() -> { rules.sync(); return null; }, () -> { am.sync(); return null; })) {
                try {
                    sync.call(); // each on its own: rules failing must not keep Alertmanager's configuration stale
                } catch (Exception e) {
                    context.logger().warn("event=alerting.resync.failed error=\"{}\"", e.toString());
                }
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
