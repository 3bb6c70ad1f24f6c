package io.tessera.marketplace.testext;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;

/** The smallest extension: packed into a bundle by the tests (never loaded from the test class path). */
public class NoopExtension implements Extension {

    @Override
    public void start(ExtensionContext context) {
        // nothing to serve: the tests only check that a verified package starts
    }
}
