package io.tessera.marketplace.cli;

import java.io.IOException;

/**
 * A refusal whose message is written for the user (what is wrong and what to do): the launcher
 * prints Tessera's own exceptions as one line, without the exception's type or a stack trace.
 */
final class UserError extends IOException {

    UserError(String message) {
        super(message);
    }
}
