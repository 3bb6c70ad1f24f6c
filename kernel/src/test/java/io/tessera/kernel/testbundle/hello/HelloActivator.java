package io.tessera.kernel.testbundle.hello;

import io.tessera.extension.api.KernelInfo;
import io.tessera.extension.api.http.KapisRoutes;
import jakarta.ws.rs.core.Application;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * A test bundle's activator (packed into a bundle jar by the tests, never loaded from the test
 * class path): registers a JAX-RS application under /kapis/{Hello-Group}/v1 whose greeting comes
 * from the bundle's manifest, so the same classes can play two versions.
 */
public class HelloActivator implements BundleActivator {

    private ServiceRegistration<Application> registration;

    @Override
    public void start(BundleContext context) {
        String message = context.getBundle().getHeaders().get("Hello-Message");
        String group = context.getBundle().getHeaders().get("Hello-Group");
        ServiceReference<KernelInfo> infoRef = context.getServiceReference(KernelInfo.class);
        String cluster = infoRef == null ? "?" : context.getService(infoRef).hostClusterName();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(KapisRoutes.GROUP, group);
        props.put(KapisRoutes.VERSION, "v1");
        registration = context.registerService(Application.class, new HelloApplication(message, cluster), props);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
