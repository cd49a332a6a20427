/* Placeholder until its owner writes it; replaced in the first commit that builds it. */
