package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.spi.ImageSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The text side of the image-caption pairs: class names, caption templates and the word-level vocabulary.
 *
 * <p>A pair is one training image and its caption, and the pair id is the image's sample id. The caption is a
 * pure function of (sample id, label): template {@code mix(id) mod T} of the training templates, with {@code {}}
 * replaced by the class name. So every service that knows the sample ids derives the same pairs, and a deletion
 * request for sample ids is a request for those pairs.
 *
 * <p>Zero-shot prompts use the held-out templates, which never caption a training pair. Their words are all
 * training words (checked here), so no prompt token has an embedding that training never touched; only the word
 * combinations are new.
 *
 * @param classNames the class name of each label, lowercase words separated by single blanks
 * @param trainingTemplates templates that caption the pairs, each holding one {@code {}}
 * @param heldOutTemplates templates for zero-shot prompts, each holding one {@code {}}
 */
public record Captions(List<String> classNames, List<String> trainingTemplates, List<String> heldOutTemplates) {

    /** Fashion-MNIST's class names by label, as caption words. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("t-shirt or top", "trouser", "pullover",
            "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

    /** The default training templates. */
    public static final List<String> TRAINING_TEMPLATES = List.of("a photo of a {}", "a picture of a {}",
            "an image of a {}", "a grey {}", "a small photo of the {}", "a blurry {}", "a {} in a photo",
            "a low resolution picture of the {}");

    /** The default held-out templates (zero-shot prompts): new combinations of training words. */
    public static final List<String> HELD_OUT_TEMPLATES = List.of("a picture of the small {}",
            "the grey {} in an image", "a blurry low resolution photo of a {}");

    /** Copies the lists and checks the templates and that every held-out word is a training word. */
    public Captions {
        classNames = List.copyOf(classNames);
        trainingTemplates = List.copyOf(trainingTemplates);
        heldOutTemplates = List.copyOf(heldOutTemplates);
        if (classNames.isEmpty() || trainingTemplates.isEmpty() || heldOutTemplates.isEmpty()) {
            throw new IllegalArgumentException("captions need class names, training and held-out templates");
        }
        List<String> all = new ArrayList<>(trainingTemplates);
        all.addAll(heldOutTemplates);
        for (String t : all) {
            if (t.indexOf("{}") < 0 || t.indexOf("{}") != t.lastIndexOf("{}")) {
                throw new IllegalArgumentException("template '" + t + "' must hold exactly one {}");
            }
        }
        TreeSet<String> trainingWords = new TreeSet<>();
        for (String t : trainingTemplates) {
            trainingWords.addAll(words(t.replace("{}", "")));
        }
        for (String t : heldOutTemplates) {
            for (String w : words(t.replace("{}", ""))) {
                if (!trainingWords.contains(w)) {
                    throw new IllegalArgumentException("held-out template '" + t + "' uses '" + w + "', which no"
                            + " training template uses: its embedding would never be trained");
                }
            }
        }
    }

    /**
     * The captions of a data set: Fashion-MNIST's class names for a set named {@code fashion-mnist/...} with ten
     * classes, else the invented words {@code class0}, {@code class1}, ... (synthetic sets); default templates.
     *
     * @param set the training (or test) set
     * @return the captions
     */
    public static Captions forDataset(ImageSet set) {
        if (set.name().startsWith("fashion-mnist") && set.numClasses() == FASHION_MNIST_CLASSES.size()) {
            return new Captions(FASHION_MNIST_CLASSES, TRAINING_TEMPLATES, HELD_OUT_TEMPLATES);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < set.numClasses(); c++) {
            names.add("class" + c);
        }
        return new Captions(names, TRAINING_TEMPLATES, HELD_OUT_TEMPLATES);
    }

    /** @return the number of classes */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * The caption of a pair.
     *
     * @param sampleId the image's sample id (the pair id)
     * @param label the image's class
     * @return e.g. {@code "a grey ankle boot"}
     */
    public String caption(int sampleId, int label) {
        return trainingTemplates.get(templateIndex(sampleId)).replace("{}", classNames.get(label));
    }

    /**
     * @param set the images
     * @param position a position in the set
     * @return the caption of the pair at that position
     */
    public String caption(ImageSet set, int position) {
        return caption(set.id(position), set.label(position));
    }

    /**
     * The zero-shot prompts of a class, one per held-out template.
     *
     * @param label the class
     * @return e.g. {@code "a picture of the small sneaker"}, ...
     */
    public List<String> prompts(int label) {
        List<String> out = new ArrayList<>();
        for (String t : heldOutTemplates) {
            out.add(t.replace("{}", classNames.get(label)));
        }
        return out;
    }

    /**
     * The word-level vocabulary: every word of the templates and class names, sorted (so it is a function of the
     * captions alone and the same in every service).
     *
     * @return the words; a word's index is its token id
     */
    public List<String> vocabulary() {
        TreeSet<String> v = new TreeSet<>();
        for (String t : trainingTemplates) {
            v.addAll(words(t.replace("{}", "")));
        }
        for (String n : classNames) {
            v.addAll(words(n));
        }
        return List.copyOf(v);
    }

    /**
     * Encodes texts as the mean of their one-hot token vectors: multiplied by the token-embedding matrix this is
     * the mean-pooled token embedding.
     *
     * @param texts the texts
     * @return row-major (texts, vocabulary size) values
     * @throws IllegalArgumentException for a word outside the vocabulary
     */
    public float[] bagsOfWords(List<String> texts) {
        List<String> vocabulary = vocabulary();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        int v = vocabulary.size();
        float[] out = new float[texts.size() * v];
        for (int i = 0; i < texts.size(); i++) {
            List<String> w = words(texts.get(i));
            for (String word : w) {
                Integer id = index.get(word);
                if (id == null) {
                    throw new IllegalArgumentException("'" + word + "' in '" + texts.get(i) + "' is not in the"
                            + " vocabulary " + vocabulary);
                }
                out[i * v + id] += 1f / w.size();
            }
        }
        return out;
    }

    /** A fixed integer mix (SplitMix64's finalizer) so neighbouring ids get unrelated templates. */
    private int templateIndex(int sampleId) {
        long z = sampleId * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) Math.floorMod(z, (long) trainingTemplates.size());
    }

    static List<String> words(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
