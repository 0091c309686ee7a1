package io.unlearn.unlearning.internal.data;

import io.unlearn.unlearning.spi.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads Fashion-MNIST from the IDX files that Debian's {@code dataset-fashion-mnist} package installs. */
public final class FashionMnist {

    /** Where {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final String[] CLASS_NAMES = {"t-shirt/top", "trouser", "pullover", "dress", "coat", "sandal",
        "shirt", "sneaker", "bag", "ankle boot"};

    private static final String HINT = "install Debian's package with `apt-get install dataset-fashion-mnist`"
            + " (files under " + DEFAULT_DIR + ") or point the loader at a directory holding the IDX files";

    private FashionMnist() {
    }

    /**
     * Loads the training (60,000) or test (10,000) split.
     *
     * @param dir the directory with {@code train-images-idx3-ubyte[.gz]} etc.
     * @param train true for the training split
     * @return the images; sample ids are indices in the file
     */
    public static ImageSet load(Path dir, boolean train) {
        String prefix = train ? "train" : "t10k";
        return IdxFiles.read(resolve(dir, prefix + "-images-idx3-ubyte"), resolve(dir, prefix + "-labels-idx1-ubyte"),
                "fashion-mnist/" + (train ? "train" : "test"), 10, HINT);
    }

    private static Path resolve(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        Path plain = dir.resolve(base);
        return Files.exists(plain) && !Files.exists(gz) ? plain : gz;
    }
}
