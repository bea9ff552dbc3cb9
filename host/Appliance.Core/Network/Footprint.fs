module Appliance.Core.Network.Footprint

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
