package io.tessera.kernel.testing;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Garbage-collection polling for class-loader leak tests. */
public final class Gc {

    private Gc() {
    }

    /**
     * Runs the collector repeatedly until {@code ref} is cleared or the deadline passes.
     *
     * @return true if the referent was collected
     */
    public static boolean collected(WeakReference<?> ref, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (ref.get() == null) {
                return true;
            }
            System.gc();
            // a little allocation pressure helps collectors that defer weak reference processing
            List<byte[]> garbage = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                garbage.add(new byte[1 << 16]);
            }
            garbage.clear();
            Thread.sleep(50);
        }
        return ref.get() == null;
    }
}
