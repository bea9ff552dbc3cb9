module Appliance.Core.Manifest.ManifestParser

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
