module Appliance.Core.Manifest.ConfigSchema

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
