module Appliance.Core.Manifest.Versions

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
