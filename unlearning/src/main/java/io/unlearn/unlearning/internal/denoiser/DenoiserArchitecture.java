package io.unlearn.unlearning.internal.denoiser;

/**
 * The sizes of a {@link DenoiserBlock}.
 *
 * @param rows input height, a multiple of 4
 * @param cols input width, a multiple of 4
 * @param channels filters at full resolution (twice as many at 1/2 and 1/4), a multiple of 16; default 32
 * @param timeDim width of the time embedding, even; default 64
 */
public record DenoiserArchitecture(int rows, int cols, int channels, int timeDim) {

    /** Validates the sizes. */
    public DenoiserArchitecture {
        if (rows < 4 || cols < 4 || rows % 4 != 0 || cols % 4 != 0 || channels < 16 || channels % 16 != 0
                || timeDim < 2 || timeDim % 2 != 0) {
            throw new IllegalArgumentException("denoiser needs rows and cols multiples of 4, channels a multiple of 16"
                    + " and an even timeDim; got " + rows + "x" + cols + ", channels " + channels + ", timeDim "
                    + timeDim);
        }
    }

    /**
     * @param rows input height
     * @param cols input width
     * @return the default sizes (32 channels, time embedding 64) for that input
     */
    public static DenoiserArchitecture defaults(int rows, int cols) {
        return new DenoiserArchitecture(rows, cols, 32, 64);
    }
}
