package io.tessera.kernel.routing;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import io.tessera.kernel.http.Status;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Jersey configuration every mounted application runs with. */
public final class JaxRsApps {

    private static final Logger LOG = LoggerFactory.getLogger(JaxRsApps.class);

    /**
     * Jersey warns, wrongly, that every resource registered as an instance "will be ignored"
     * (eclipse-ee4j/jersey#3700); the instance is served. Held in a field because JUL keeps
     * loggers weakly and would forget the level.
     */
    private static final java.util.logging.Logger JERSEY_PROVIDERS = quiet("org.glassfish.jersey.internal.inject.Providers");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private JaxRsApps() {
    }

    /** A configuration for an extension's {@link Application}. */
    public static ResourceConfig forApplication(String name, Application application) {
        return harden(name, ResourceConfig.forApplication(application));
    }

    /** A configuration for kernel resources (instances or classes). */
    public static ResourceConfig forResources(String name, Iterable<Object> resources) {
        ResourceConfig config = new ResourceConfig();
        for (Object resource : resources) {
            if (resource instanceof Class<?> type) {
                config.register(type);
            } else {
                config.register(resource);
            }
        }
        return harden(name, config);
    }

    /**
     * One configuration serving the resources of several prefixes, each at its prefix joined to
     * its own {@code @Path}, with the handlers it would have in an application of its own (an
     * instance handles its methods, a class is built per request): the application to mount with
     * {@link RouteTable#mountShared}. Resources of one prefix that share a path are merged, as in
     * one application per prefix.
     *
     * @throws IllegalArgumentException if a resource {@linkplain #canShare cannot be shared}
     */
    public static ResourceConfig forPrefixes(String name, java.util.Map<String, ? extends Iterable<Object>> resourcesByPrefix) {
        ResourceConfig config = new ResourceConfig();
        resourcesByPrefix.forEach((prefix, resources) -> {
            for (Object resource : resources) {
                if (!canShare(resource)) {
                    throw new IllegalArgumentException(resource + " at " + prefix + " is not a root resource; its prefix needs "
                            + "an application of its own");
                }
                Class<?> type = resource instanceof Class<?> c ? c : resource.getClass();
                Object instance = resource instanceof Class<?> ? null : resource;
                Resource model = Resource.from(type);
                config.registerResources(relocated(model, join(prefix, model.getPath()), instance));
            }
        });
        return harden(name, config);
    }

    /**
     * Whether a mounted object can be served from a shared application: a root resource (class or
     * instance) that is no provider. A provider (an exception mapper, a filter, a body writer…)
     * would apply to every prefix of the application, so its prefix keeps an application of its own.
     */
    public static boolean canShare(Object resource) {
        Class<?> type = resource instanceof Class<?> c ? c : resource.getClass();
        return Resource.getPath(type) != null && !org.glassfish.jersey.internal.inject.Providers.isProvider(type);
    }

    /**
     * The first path segments under which {@code resources}, mounted at the root, answer ({@code ""}
     * for the root itself), or null when one of them can answer under any (its first segment is a
     * template, such as a catch-all {@code {path: .*}}).
     */
    public static java.util.Set<String> firstSegments(Iterable<Object> resources) {
        java.util.Set<String> segments = new java.util.HashSet<>();
        for (Object resource : resources) {
            Resource model = Resource.from(resource instanceof Class<?> c ? c : resource.getClass());
            String own = trimSlashes(model.getPath());
            if (!own.isEmpty()) {
                segments.add(own.split("/", 2)[0]);
                continue;
            }
            if (!model.getResourceMethods().isEmpty() || model.getResourceLocator() != null) {
                segments.add("");
            }
            for (Resource child : model.getChildResources()) {
                segments.add(trimSlashes(child.getPath()).split("/", 2)[0]);
            }
        }
        return segments.stream().anyMatch(segment -> segment.contains("{")) ? null : segments;
    }

    private static String trimSlashes(String path) {
        String p = path == null ? "" : path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** {@code model} at {@code path}, its methods (and its children's) handled by {@code instance} when there is one. */
    private static Resource relocated(Resource model, String path, Object instance) {
        Resource.Builder builder = Resource.builder(path);
        copyMethods(model, builder, instance);
        return builder.build();
    }

    private static void copyMethods(Resource from, Resource.Builder to, Object instance) {
        for (ResourceMethod method : from.getAllMethods()) {
            // the copy keeps the method's HTTP method, media types, suspension, name bindings,
            // handling method and handler parameters; it handles @Encoded per parameter (no
            // kernel resource uses it on a class or method)
            ResourceMethod.Builder copy = to.addMethod(method);
            if (instance != null) {
                copy.handledBy(instance, method.getInvocable().getDefinitionMethod());
            }
            if (method.isSse()) {
                copy.sse();
            }
        }
        for (Resource child : from.getChildResources()) {
            copyMethods(child, to.addChildResource(child.getPath()), instance);
        }
    }

    /** The path of a resource at {@code classPath} (its {@code @Path}) under {@code prefix}. */
    static String join(String prefix, String classPath) {
        String relative = classPath == null ? "" : classPath.startsWith("/") ? classPath.substring(1) : classPath;
        if (relative.isEmpty()) {
            return prefix;
        }
        return prefix.endsWith("/") ? prefix + relative : prefix + "/" + relative;
    }

    private static ResourceConfig harden(String name, ResourceConfig config) {
        config.setApplicationName(name);
        // WADL pulls JAXB and logs a warning on every application build.
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // Errors become responses here, never the servlet container's HTML error page.
        config.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        config.register(new PrivateObjectMapper());
        config.register(new StatusExceptionMapper(name));
        return config;
    }

    /**
     * Each application gets an ObjectMapper with its own type cache: Jackson's shared
     * TypeFactory cache would otherwise keep an uninstalled bundle's classes (and so its
     * classloader) alive.
     */
    public static final class PrivateObjectMapper implements ContextResolver<ObjectMapper> {
        private final ObjectMapper mapper = new ObjectMapper()
                .setTypeFactory(TypeFactory.defaultInstance().withCache(new LRUMap<Object, JavaType>(16, 200)));

        @Override
        public ObjectMapper getContext(Class<?> type) {
            return mapper;
        }
    }

    /** Turns every error into a Kubernetes Status body, without a stack trace. */
    public static final class StatusExceptionMapper implements ExceptionMapper<Throwable> {
        private final String app;

        StatusExceptionMapper(String app) {
            this.app = app;
        }

        @Override
        public Response toResponse(Throwable error) {
            if (error instanceof WebApplicationException web) {
                Response original = web.getResponse();
                if (original.hasEntity()) {
                    return original;
                }
                int code = original.getStatus();
                String message = code >= 500 ? "internal error" : web.getMessage();
                Status status = new Status(code, Status.reasonFor(code), message);
                // keep the original headers (Allow on 405, Location, …) and replace only the body
                return Response.fromResponse(original).type(MediaType.APPLICATION_JSON_TYPE).entity(status.toJson()).build();
            }
            LOG.warn("event=app.error app={} error={}", app, error.toString());
            return status(Status.internalError("internal error in " + app + "; see the kernel log"));
        }

        private static Response status(Status status) {
            return Response.status(status.code()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(status.toJson()).build();
        }
    }
}
