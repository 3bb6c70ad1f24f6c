package io.tessera.extension.api;

import java.util.List;

/** An authenticated caller: its name and groups (as KubeSphere's X-Remote-User/X-Remote-Group). */
public record User(String name, List<String> groups) {
    public User {
        groups = List.copyOf(groups);
    }
}
