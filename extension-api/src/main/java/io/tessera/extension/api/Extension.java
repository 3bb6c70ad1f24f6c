package io.tessera.extension.api;

/**
 * The entry point of an in-process extension. The bundle's manifest names the implementing class
 * in the {@code Tessera-Extension} header; the runtime instantiates it with its public no-argument
 * constructor and calls {@link #start} once the bundle is resolved.
 *
 * <p>Everything registered through the {@link ExtensionContext} (routes, controllers) is removed
 * by the runtime after {@link #stop}; an exception from {@code start} fails the install (the
 * previous version, if any, keeps serving) and its message shows in the InstallPlan's condition.
 */
public interface Extension {

    void start(ExtensionContext context) throws Exception;

    /** Releases what the extension created itself; routes and controllers are removed by the runtime. */
    default void stop() throws Exception {
    }
}
