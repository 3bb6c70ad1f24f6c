package io.tessera.marketplace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code -o table|json|yaml} for a command that prints platform objects (a picocli mixin). */
final class OutputOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml.")
    Output format = Output.table;

    /** {@code raw} as JSON/YAML, or the rows under the headers as a table, on the command's stdout. */
    void print(JsonNode raw, List<String> headers, List<List<String>> rows) throws IOException {
        format.print(spec.commandLine().getOut(), raw, headers, rows);
    }

    boolean table() {
        return format == Output.table;
    }
}
