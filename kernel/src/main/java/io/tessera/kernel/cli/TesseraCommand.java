package io.tessera.kernel.cli;

/**
 * A top-level {@code tessera} subcommand. Implementations carry picocli's {@code @Command}
 * (its {@code name} is the subcommand's name) and are listed in
 * {@code META-INF/services/io.tessera.kernel.cli.TesseraCommand}, so a module that depends on the
 * kernel (the marketplace's {@code tessera ext …}, {@code tessera login}) adds commands without
 * the kernel knowing it. Commands return an exit code from {@code call()} and throw for errors:
 * {@link Tessera} turns any exception into one line on stderr.
 */
public interface TesseraCommand {
}
