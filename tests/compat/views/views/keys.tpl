{{@keys}}|cache={{cache}}|env={{settings.env}}|engine={{settings.view engine}}
