package framework

import "image"

// Image is a rendered frame.
type Image = image.Image
