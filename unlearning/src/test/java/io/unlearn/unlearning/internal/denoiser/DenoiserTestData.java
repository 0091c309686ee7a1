package io.unlearn.unlearning.internal.denoiser;

import io.unlearn.unlearning.internal.data.Glyphs;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.Unlearning;
import java.util.Set;
import java.util.TreeSet;

/** The denoiser tests' tiny memorization setting: 8x8 synthetic images plus copies of the glyph. */
final class DenoiserTestData {

    /** 240 images of 4 classes, 8x8, then 20 glyph copies (ids 240..259, subjects 24 and 25). */
    static final String NAME = "synthetic?samples=240&test=120&side=8&noise=0.2&glyphs=20";
    /** The smallest network the channel rule allows. */
    static final int CHANNELS = 16;

    private DenoiserTestData() {
    }

    static Dataset dataset() {
        return Unlearning.dataset(NAME);
    }

    /** @return the glyph copies' sample ids */
    static ForgetRequest glyphCopies(ImageSet train) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < train.size(); i++) {
            if (train.id(i) >= 240) {
                ids.add(String.valueOf(train.id(i)));
            }
        }
        return ForgetRequest.ofSamples(ids);
    }

    static DenoiserArchitecture architecture() {
        return new DenoiserArchitecture(8, 8, CHANNELS, 32);
    }

    static int firstCopyId() {
        return Glyphs.firstCopyId(Unlearning.dataset("synthetic?samples=240&test=120&side=8&noise=0.2").train());
    }
}
