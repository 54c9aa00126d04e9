package dev.detour.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirectoryTest {

    @Test
    void closingDeletesTheDirectoryWithNestedFiles() throws Exception {
        Path dir;
        try (ScratchDirectory scratch = ScratchDirectory.create("scratch-test")) {
            dir = scratch.path();
            assertThat(dir.getFileName().toString()).startsWith("scratch-test");
            Path nested = Files.createDirectories(dir.resolve("app/0_1/rocksdb"));
            Files.writeString(nested.resolve("000001.sst"), "data");
            Files.writeString(dir.resolve(".lock"), "");
            assertThat(dir).isDirectory();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void closingTwiceOrAfterSomeoneElseDeletedItIsHarmless() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("scratch-test");
        Files.delete(scratch.path());
        scratch.close();
        scratch.close();
        assertThat(scratch.path()).doesNotExist();
    }
}
