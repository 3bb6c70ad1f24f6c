package io.tessera.marketplace.cli;

import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.trust.Keys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tessera key new}: an Ed25519 signing key for publishing extensions. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage package signing keys.", subcommands = KeyCommand.New.class)
public final class KeyCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    @Command(name = "new", mixinStandardHelpOptions = true, description = "Generate an Ed25519 signing key (private key owner-only, public key beside it as .pub).")
    static final class New implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "Private key file (default: $TESSERA_SIGNING_KEY or ~/.tessera/signing-key).")
        Path file;

        @Override
        public Integer call() throws Exception {
            Path target = file != null ? file : SigningKeys.defaultKey();
            KeyPair pair = Keys.generateInto(target);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("key %s%nprivate %s%npublic  %s (give this file to the administrators who trust your packages)%n",
                    Keys.keyId(pair.getPublic()), target, Keys.publicFile(target));
            out.flush();
            return 0;
        }
    }
}
